/** getChat (`GET /v2/businesses/{businessId}/chat?chatId=`): one chat of the business. */
import type { components } from "../../generated/schema.js";
import { findChat } from "./chat-lookup.js";
import { chatView } from "./chat-views.js";
import type { OperationHandler } from "../stages/operation-handler.js";

export type GetChatResponseBody = components["schemas"]["GetChatResponse"];

export const getChat: OperationHandler = {
  operationId: "getChat",
  async handle(input) {
    const found = await findChat(input);
    if (!found.ok) return found;
    const body: GetChatResponseBody = { status: "OK", result: chatView(found.chat) };
    return { ok: true, body };
  },
};
