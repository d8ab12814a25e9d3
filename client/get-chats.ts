/** getChats: one page of the business's chats, as a typed result. */
import type { components } from "../generated/schema.js";
import { bodyTextOf, isChat, isRecord, nextPageTokenOf, okWith, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertObject, assertPositiveSafeInteger } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { Chat } from "./get-chat.js";
import type { RateLimitState } from "./rate-limit.js";

/** The filters: every one given must match (see the contract's GetChatsRequest). */
export type GetChatsFilter = components["schemas"]["GetChatsRequest"];

/** Which page: `limit` chats (1-20, default 10), after the page whose `nextPageToken` this is. */
export interface PageOptions {
  limit?: number;
  pageToken?: string;
}

export interface GetChatsSuccess {
  ok: true;
  status: 200;
  chats: Chat[];
  /** The token of the next page; absent on the last page. */
  nextPageToken?: string;
  rateLimit: RateLimitState;
}
export type GetChatsResult = GetChatsSuccess | ApiFailure<"getChats">;

const isChatsPage = (value: unknown): value is components["schemas"]["ChatsPageResult"] =>
  isRecord(value) && Array.isArray(value.chats) && value.chats.every(isChat);

/**
 * Lists one page of the chats of `businessId` that match `filter` (default: all of them).
 * Rejects with a TypeError/RangeError for a bad id or filter, and with an `UnexpectedResponseError`
 * for an answer the contract does not declare. {@link iterateChats} walks every page.
 *
 * @example
 * const page = await getChats(client, 1001, { statuses: ["WAITING_FOR_PARTNER"] }, { limit: 20 });
 * if (page.ok) for (const chat of page.chats) console.log(chat.chatId);
 */
export async function getChats(client: MarketClient, businessId: number, filter: GetChatsFilter = {}, page: PageOptions = {}): Promise<GetChatsResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertObject("filter", filter);
  if (page.limit !== undefined) assertPositiveSafeInteger("page.limit", page.limit);
  const query: { limit?: number; pageToken?: string } = {};
  if (page.limit !== undefined) query.limit = page.limit;
  if (page.pageToken !== undefined) query.pageToken = page.pageToken;
  const { data, error, response } = await client.POST("/v2/businesses/{businessId}/chats", {
    params: { path: { businessId }, query },
    body: filter,
    parseAs: "text",
  });
  const read = readApiAnswer("getChats", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, okWith(isChatsPage), '{"status":"OK","result":{"chats":[...]}}');
  if (!read.ok) return read;
  const success: GetChatsSuccess = { ok: true, status: 200, chats: read.body.result.chats, rateLimit: read.rateLimit };
  const next = nextPageTokenOf(read.body.result);
  if (next !== undefined) success.nextPageToken = next;
  return success;
}
