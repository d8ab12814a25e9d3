/**
 * The chat operations' own refusals. A chat of another business is answered exactly as a chat that
 * does not exist, so the answer never tells one seller that another has a chat of that id.
 */
import { apiFailure } from "../stages/errors.js";
import type { ChatRecord } from "../state/chats.js";

export const chatFailures = {
  chatNotFound: (businessId: number, chatId: number | string) =>
    apiFailure(404, "CHAT_NOT_FOUND", `Chat ${chatId} not found in business ${businessId} (/chatId)`),
  messageNotFound: (chatId: number, messageId: number | string) =>
    apiFailure(404, "MESSAGE_NOT_FOUND", `Message ${messageId} not found in chat ${chatId} (/messageId)`),
  chatFinished: (chat: ChatRecord) =>
    apiFailure(400, "CHAT_FINISHED", `Chat ${chat.chatId} is ${chat.status} and takes no more messages (/chatId)`),
  invalidPageToken: (pointer: string, reason: string) => apiFailure(400, "INVALID_PAGE_TOKEN", `${pointer.slice(1)} ${reason} (${pointer})`),
} as const;
