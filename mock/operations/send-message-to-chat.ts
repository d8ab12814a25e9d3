/** sendMessageToChat (`POST /v2/businesses/{businessId}/chats/message?chatId=`): the seller writes into a chat. */
import type { components } from "../../generated/schema.js";
import { chatFailures } from "./chat-failures.js";
import { findChat } from "./chat-lookup.js";
import type { OperationHandler } from "../stages/operation-handler.js";

export type SendMessageToChatRequest = components["schemas"]["SendMessageToChatRequest"];
export type EmptyOkResponseBody = components["schemas"]["EmptyOkResponse"];

export const sendMessageToChat: OperationHandler = {
  operationId: "sendMessageToChat",
  async handle(input) {
    const found = await findChat(input);
    if (!found.ok) return found;
    const { message } = input.body as SendMessageToChatRequest;
    const posted = await input.store.chats.postMessage(found.chat.chatId, { sender: "PARTNER", text: message }, input.now);
    if (!posted.ok) {
      return { ok: false, failure: posted.reason === "finished" ? chatFailures.chatFinished(posted.chat ?? found.chat) : chatFailures.chatNotFound(input.business.id, found.chat.chatId) };
    }
    const ok: EmptyOkResponseBody = { status: "OK" };
    return { ok: true, body: ok };
  },
};
