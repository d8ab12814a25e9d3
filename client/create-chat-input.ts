/**
 * The few checks createChat makes before sending: the ones a caller most often gets wrong and the
 * server would only answer with a 400 (or a request to the wrong path). The contract stays the
 * authority on everything else.
 */
import { chatContextTypeValues as CONTEXT_TYPES } from "../generated/schema.js";
import { assertPositiveSafeInteger, describe } from "./chat-input.js";

/**
 * Throws a `TypeError` (wrong kind of value) or `RangeError` (value out of range) naming the
 * argument when `businessId` or `body` cannot make a valid createChat request.
 */
export function assertCreateChatInput(businessId: unknown, body: unknown): void {
  assertPositiveSafeInteger("businessId", businessId);
  if (!isPlainRecord(body)) {
    throw new TypeError(`body must be an object with context or orderId, got ${describe(body)}`);
  }
  if (body.context === undefined && body.orderId === undefined) {
    throw new TypeError("body must have context ({ type, id }) or the deprecated orderId");
  }
  if (body.orderId !== undefined) {
    assertPositiveSafeInteger("body.orderId", body.orderId);
  }
  if (body.context !== undefined) {
    const context = body.context;
    if (!isPlainRecord(context)) {
      throw new TypeError(`body.context must be an object { type, id }, got ${describe(context)}`);
    }
    if (!CONTEXT_TYPES.some((type) => type === context.type)) {
      throw new RangeError(`body.context.type must be one of ${CONTEXT_TYPES.join(", ")}, got ${describe(context.type)}`);
    }
    assertPositiveSafeInteger("body.context.id", context.id);
  }
}


function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

