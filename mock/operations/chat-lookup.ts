/**
 * Finding the chat a request names by its `chatId` query parameter: the business's own chat, or
 * the same 404 whether the chat does not exist or is another business's.
 */
import type { MockFailure } from "../stages/errors.js";
import type { ChatRecord } from "../state/chats.js";
import { chatFailures } from "./chat-failures.js";
import type { OperationInput } from "../stages/operation-handler.js";

/** An id parameter as a message shows it: a number, or the digits of an int64 past 2^53 (a string), which no record can have. */
export const idText = (id: unknown) => String(id);

export async function findChat({ business, parameters, store }: OperationInput): Promise<{ ok: true; chat: ChatRecord } | { ok: false; failure: MockFailure }> {
  const chatId = parameters.chatId;
  const chat = typeof chatId === "number" ? await store.chats.chat(business.id, chatId) : undefined;
  return chat === undefined ? { ok: false, failure: chatFailures.chatNotFound(business.id, idText(chatId)) } : { ok: true, chat };
}
