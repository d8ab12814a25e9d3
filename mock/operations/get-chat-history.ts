/**
 * getChatHistory (`POST /v2/businesses/{businessId}/chats/history?chatId=`): a chat's messages,
 * oldest first, from `messageIdFrom` when the body gives it, a page at a time.
 */
import type { components } from "../../generated/schema.js";
import { findChat } from "./chat-lookup.js";
import { contextView, deprecatedOrderId, messageView } from "./chat-views.js";
import type { OperationHandler } from "../stages/operation-handler.js";
import { givenPageToken, makePageToken, readPageToken } from "./page-token.js";

export type GetChatHistoryRequest = components["schemas"]["GetChatHistoryRequest"];
export type GetChatHistoryResponseBody = components["schemas"]["GetChatHistoryResponse"];

export const getChatHistory: OperationHandler = {
  operationId: "getChatHistory",
  async handle(input) {
    const found = await findChat(input);
    if (!found.ok) return found;
    const { chat } = found;
    const { messageIdFrom } = input.body as GetChatHistoryRequest;
    const query = ["getChatHistory", input.business.id, chat.chatId, messageIdFrom ?? null];
    const given = givenPageToken(input.parameters);
    if (!given.ok) return given;
    let afterMessageId: number | undefined;
    if (given.token !== undefined) {
      const read = readPageToken(given.token, query, given.pointer);
      if (!read.ok) return read;
      afterMessageId = read.cursor;
    }
    const page = await input.store.chats.messages(chat.chatId, { fromMessageId: messageIdFrom, afterMessageId, limit: input.parameters.limit as number });
    const last = page.items.at(-1);
    const body: GetChatHistoryResponseBody = {
      status: "OK",
      result: {
        ...deprecatedOrderId(chat),
        context: contextView(chat),
        messages: page.items.map((message) => messageView(message, input.origin)),
        paging: page.more && last ? { nextPageToken: makePageToken(query, last.messageId) } : {},
      },
    };
    return { ok: true, body };
  },
};
