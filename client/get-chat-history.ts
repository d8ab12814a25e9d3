/** getChatHistory: one page of a chat's messages, oldest first, as a typed result. */
import type { components } from "../generated/schema.js";
import { bodyTextOf, isMessage, isRecord, nextPageTokenOf, okWith, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertPositiveSafeInteger } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { ChatMessage } from "./get-chat-message.js";
import type { PageOptions } from "./get-chats.js";
import type { RateLimitState } from "./rate-limit.js";

export type ChatFullContext = components["schemas"]["ChatFullContext"];

/** Where the history starts: from `messageIdFrom` (that message and later ones); default the first kept. */
export interface HistoryOptions extends PageOptions {
  messageIdFrom?: number;
}

export interface GetChatHistorySuccess {
  ok: true;
  status: 200;
  /** What the chat is about. */
  context: ChatFullContext;
  messages: ChatMessage[];
  /** The token of the next page; absent on the last page. */
  nextPageToken?: string;
  rateLimit: RateLimitState;
}
export type GetChatHistoryResult = GetChatHistorySuccess | ApiFailure<"getChatHistory">;

const isHistory = (value: unknown): value is components["schemas"]["ChatHistory"] =>
  isRecord(value) && isRecord(value.context) && Array.isArray(value.messages) && value.messages.every(isMessage);

/**
 * Reads one page of chat `chatId`'s messages (`limit` 1-100, default 50). {@link iterateChatHistory} walks every page.
 *
 * @example
 * const page = await getChatHistory(client, 1001, chatId, { limit: 100 });
 * if (page.ok) for (const m of page.messages) console.log(m.sender, m.message);
 */
export async function getChatHistory(client: MarketClient, businessId: number, chatId: number, options: HistoryOptions = {}): Promise<GetChatHistoryResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertPositiveSafeInteger("chatId", chatId);
  if (options.limit !== undefined) assertPositiveSafeInteger("options.limit", options.limit);
  if (options.messageIdFrom !== undefined) assertPositiveSafeInteger("options.messageIdFrom", options.messageIdFrom);
  const query: { chatId: number; limit?: number; pageToken?: string } = { chatId };
  if (options.limit !== undefined) query.limit = options.limit;
  if (options.pageToken !== undefined) query.pageToken = options.pageToken;
  const { data, error, response } = await client.POST("/v2/businesses/{businessId}/chats/history", {
    params: { path: { businessId }, query },
    body: options.messageIdFrom === undefined ? {} : { messageIdFrom: options.messageIdFrom },
    parseAs: "text",
  });
  const read = readApiAnswer("getChatHistory", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, okWith(isHistory), '{"status":"OK","result":{"context":...,"messages":[...]}}');
  if (!read.ok) return read;
  const { result } = read.body;
  const success: GetChatHistorySuccess = { ok: true, status: 200, context: result.context, messages: result.messages, rateLimit: read.rateLimit };
  const next = nextPageTokenOf(result);
  if (next !== undefined) success.nextPageToken = next;
  return success;
}
