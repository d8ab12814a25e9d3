/** sendMessageToChat: the seller writes into a chat, as a typed result. */
import { bodyTextOf, isRecord, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertPositiveSafeInteger, assertString } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { RateLimitState } from "./rate-limit.js";

/** Sent: the chat now waits for the customer. The answer names no message id (read it with getChatHistory). */
export interface SentSuccess {
  ok: true;
  status: 200;
  rateLimit: RateLimitState;
}
export type SendMessageResult = SentSuccess | ApiFailure<"sendMessageToChat">;

export const isOkBody = (body: unknown): body is { status: "OK" } => isRecord(body) && body.status === "OK";

/**
 * Sends `message` (1 to 4,096 characters) into chat `chatId` of `businessId`. Too short or too long
 * a text resolves to a 400 failure; a finished chat to 400 `CHAT_FINISHED`; an unknown chat to 404.
 *
 * @example
 * const sent = await sendMessage(client, 1001, chatId, "Your order ships today");
 */
export async function sendMessage(client: MarketClient, businessId: number, chatId: number, message: string): Promise<SendMessageResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertPositiveSafeInteger("chatId", chatId);
  assertString("message", message);
  const { data, error, response } = await client.POST("/v2/businesses/{businessId}/chats/message", {
    params: { path: { businessId }, query: { chatId } },
    body: { message },
    parseAs: "text",
  });
  const read = readApiAnswer("sendMessageToChat", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, isOkBody, '{"status":"OK"}');
  return read.ok ? { ok: true, status: 200, rateLimit: read.rateLimit } : read;
}
