/**
 * getChats (`POST /v2/businesses/{businessId}/chats`): the business's chats that match the body's
 * filters, oldest first, a page at a time. The deprecated `orderIds` are contexts of type ORDER.
 */
import type { components } from "../../generated/schema.js";
import type { ChatContextKey, ChatFilter } from "../state/chats.js";
import { chatView } from "./chat-views.js";
import type { OperationHandler } from "../stages/operation-handler.js";
import { givenPageToken, makePageToken, readPageToken } from "./page-token.js";

export type GetChatsRequest = components["schemas"]["GetChatsRequest"];
export type GetChatsResponseBody = components["schemas"]["GetChatsResponse"];

/** The body's filters as the store takes them: absent and `null` filters match every chat. */
export function chatFilter(body: GetChatsRequest): ChatFilter {
  const filter: ChatFilter = {};
  const orders = (body.orderIds ?? []).map((id): ChatContextKey => ({ type: "ORDER", id }));
  if (body.contexts != null || body.orderIds != null) filter.contexts = [...(body.contexts ?? []), ...orders];
  if (body.contextTypes != null) filter.contextTypes = body.contextTypes;
  if (body.types != null) filter.types = body.types;
  if (body.statuses != null) filter.statuses = body.statuses;
  return filter;
}

/** The filter written one way only (sorted lists), so the same filters in another order are the same query. */
function normalized(filter: ChatFilter): unknown {
  const sorted = <T>(items: readonly T[] | undefined, key: (item: T) => string) => items?.map(key).sort();
  return {
    contexts: sorted(filter.contexts, (c) => `${c.type}:${c.id}`),
    contextTypes: sorted(filter.contextTypes, String),
    types: sorted(filter.types, String),
    statuses: sorted(filter.statuses, String),
  };
}

export const getChats: OperationHandler = {
  operationId: "getChats",
  async handle({ business, parameters, body, store }) {
    const filter = chatFilter(body as GetChatsRequest);
    const query = ["getChats", business.id, normalized(filter)];
    const given = givenPageToken(parameters);
    if (!given.ok) return given;
    let afterChatId: number | undefined;
    if (given.token !== undefined) {
      const read = readPageToken(given.token, query, given.pointer);
      if (!read.ok) return read;
      afterChatId = read.cursor;
    }
    const page = await store.chats.findChats(business.id, filter, { afterChatId, limit: parameters.limit as number });
    const last = page.items.at(-1);
    const result: GetChatsResponseBody = {
      status: "OK",
      result: { chats: page.items.map(chatView), paging: page.more && last ? { nextPageToken: makePageToken(query, last.chatId) } : {} },
    };
    return { ok: true, body: result };
  },
};
