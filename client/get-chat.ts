/** getChat: one chat of the business, as a typed result. */
import type { components } from "../generated/schema.js";
import { bodyTextOf, isChat, okWith, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertPositiveSafeInteger } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { RateLimitState } from "./rate-limit.js";

export type Chat = components["schemas"]["Chat"];

export interface GetChatSuccess {
  ok: true;
  status: 200;
  chat: Chat;
  rateLimit: RateLimitState;
}
export type GetChatResult = GetChatSuccess | ApiFailure<"getChat">;

/**
 * Reads chat `chatId` of `businessId`. A chat the business does not have resolves to a 404
 * failure (`CHAT_NOT_FOUND`). Rejects with a TypeError/RangeError for ids that are not positive
 * safe integers, and with an `UnexpectedResponseError` for an answer the contract does not declare.
 *
 * @example
 * const result = await getChat(client, 1001, 7340001);
 * if (result.ok) console.log(result.chat.status);
 */
export async function getChat(client: MarketClient, businessId: number, chatId: number): Promise<GetChatResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertPositiveSafeInteger("chatId", chatId);
  const { data, error, response } = await client.GET("/v2/businesses/{businessId}/chat", {
    params: { path: { businessId }, query: { chatId } },
    parseAs: "text",
  });
  const read = readApiAnswer("getChat", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, okWith(isChat), '{"status":"OK","result":<chat>}');
  return read.ok ? { ok: true, status: 200, chat: read.body.result, rateLimit: read.rateLimit } : read;
}
