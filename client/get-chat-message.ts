/** getChatMessage: one message of a chat, as a typed result. */
import type { components } from "../generated/schema.js";
import { bodyTextOf, isMessage, okWith, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertPositiveSafeInteger } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { RateLimitState } from "./rate-limit.js";

export type ChatMessage = components["schemas"]["ChatMessage"];

export interface GetChatMessageSuccess {
  ok: true;
  status: 200;
  message: ChatMessage;
  rateLimit: RateLimitState;
}
export type GetChatMessageResult = GetChatMessageSuccess | ApiFailure<"getChatMessage">;

/**
 * Reads message `messageId` of chat `chatId`. An unknown message resolves to 404 `MESSAGE_NOT_FOUND`,
 * an unknown chat to 404 `CHAT_NOT_FOUND`.
 *
 * @example
 * const read = await getChatMessage(client, 1001, chatId, messageId);
 * if (read.ok) console.log(read.message.sender, read.message.message);
 */
export async function getChatMessage(client: MarketClient, businessId: number, chatId: number, messageId: number): Promise<GetChatMessageResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertPositiveSafeInteger("chatId", chatId);
  assertPositiveSafeInteger("messageId", messageId);
  const { data, error, response } = await client.GET("/v2/businesses/{businessId}/chats/message", {
    params: { path: { businessId }, query: { chatId, messageId } },
    parseAs: "text",
  });
  const read = readApiAnswer("getChatMessage", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, okWith(isMessage), '{"status":"OK","result":<message>}');
  return read.ok ? { ok: true, status: 200, message: read.body.result, rateLimit: read.rateLimit } : read;
}
