/** getChatMessage (`GET /v2/businesses/{businessId}/chats/message?chatId=&messageId=`): one message of a chat. */
import type { components } from "../../generated/schema.js";
import { chatFailures } from "./chat-failures.js";
import { findChat, idText } from "./chat-lookup.js";
import { messageView } from "./chat-views.js";
import type { OperationHandler } from "../stages/operation-handler.js";

export type GetChatMessageResponseBody = components["schemas"]["GetChatMessageResponse"];

export const getChatMessage: OperationHandler = {
  operationId: "getChatMessage",
  async handle(input) {
    const found = await findChat(input);
    if (!found.ok) return found;
    const messageId = input.parameters.messageId;
    const message = typeof messageId === "number" ? await input.store.chats.message(found.chat.chatId, messageId) : undefined;
    if (message === undefined) return { ok: false, failure: chatFailures.messageNotFound(found.chat.chatId, idText(messageId)) };
    const body: GetChatMessageResponseBody = { status: "OK", result: messageView(message, input.origin) };
    return { ok: true, body };
  },
};
