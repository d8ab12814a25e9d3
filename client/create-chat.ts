/**
 * createChat: open a chat with a customer about an order or a return, as a typed result.
 */
import type { components } from "../generated/schema.js";
import { assertCreateChatInput } from "./create-chat-input.js";
import { readCreateChatResponse, type CreateChatResult } from "./create-chat-response.js";
import type { MarketClient } from "./create-market-client.js";

/** The request body: `{ context: { type, id } }`, or the deprecated `{ orderId }`. */
export type CreateChatBody = components["schemas"]["CreateChatRequest"];

/**
 * Opens a chat about an order or a return of `businessId` and returns its id, or the API's errors.
 *
 * Before sending, rejects with a `TypeError` or `RangeError` naming the argument when `businessId`
 * is not a positive safe integer, `body` is not an object with `context` or `orderId`,
 * `context.type` is not `ORDER`/`RETURN`, or an id is not a positive safe integer.
 * Every declared answer (200, 400, 401, 403, 404, 420, 500) resolves to a {@link CreateChatResult};
 * anything else rejects with an `UnexpectedResponseError`. Network errors reject as fetch threw them.
 *
 * @example
 * const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
 * if (result.ok) console.log(result.chatId, result.rateLimit.remaining);
 * else console.error(result.status, result.errors.map((e) => e.code));
 */
export async function createChat(
  client: MarketClient,
  businessId: number,
  body: CreateChatBody,
): Promise<CreateChatResult> {
  assertCreateChatInput(businessId, body);
  // parseAs "text": the body is checked here, so a non-JSON 200 becomes an UnexpectedResponseError
  // instead of openapi-fetch's SyntaxError.
  const { data, error, response } = await client.POST("/v2/businesses/{businessId}/chats/new", {
    params: { path: { businessId } },
    body,
    parseAs: "text",
  });
  return readCreateChatResponse(response.status, response.headers, bodyTextOf(data, error));
}

// openapi-fetch hands a 2xx body over as text (parseAs) but tries JSON.parse on any other, falling
// back to the text; typed as the declared error body, it may be anything at run time.
function bodyTextOf(data: string | undefined, error: unknown): string {
  if (typeof data === "string") return data;
  if (error === undefined) return "";
  return typeof error === "string" ? error : JSON.stringify(error);
}
