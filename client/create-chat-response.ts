/**
 * Turning a createChat answer into its typed result, checking it against the contract's shapes.
 */
import type { components, operations } from "../generated/schema.js";
import { parseRateLimit, type RateLimitState } from "./rate-limit.js";
import { isErrorBody, parseJson } from "./api-answer.js";
import { UnexpectedResponseError } from "./unexpected-response-error.js";

/** One problem the API reports: `code` (UPPER_SNAKE_CASE) and usually a `message`. */
export type ApiError = components["schemas"]["ApiError"];

/** The statuses the contract declares for createChat besides 200. */
export type CreateChatErrorStatus = Exclude<keyof operations["createChat"]["responses"], 200>;

/** A chat was created (or the one made earlier for the same context was found). */
export interface CreateChatSuccess {
  ok: true;
  status: 200;
  chatId: components["schemas"]["ChatId"];
  rateLimit: RateLimitState;
}

/** The API refused the request with one of the contract's error answers. */
export interface CreateChatFailure {
  ok: false;
  status: CreateChatErrorStatus;
  errors: ApiError[];
  /** Present when the answer carried the quota headers (it was counted against the quota). */
  rateLimit?: RateLimitState;
}

/** What createChat resolves to: narrow on `ok` (or on `status`). */
export type CreateChatResult = CreateChatSuccess | CreateChatFailure;

// A Record over the derived union: the compiler fails here when the contract gains or loses an
// error status, so this runtime list cannot drift from the declared responses.
const DECLARED_ERROR_STATUSES: Record<CreateChatErrorStatus, true> = {
  400: true,
  401: true,
  403: true,
  404: true,
  420: true,
  500: true,
};

/**
 * Reads a createChat answer; throws an {@link UnexpectedResponseError} when the status, the body
 * or (for 200) the quota headers are not what the contract declares.
 */
export function readCreateChatResponse(status: number, headers: Headers, bodyText: string): CreateChatResult {
  const rateLimit = parseRateLimit(headers);
  if (status === 200) {
    const body = parseJson(status, bodyText);
    if (!isChatCreatedBody(body)) {
      throw new UnexpectedResponseError(status, 'body is not {"status":"OK","result":{"chatId":<id>}}', bodyText);
    }
    // The contract makes the quota headers required on 200; a success without them would break
    // the `rateLimit` the result type promises.
    if (rateLimit === undefined) {
      throw new UnexpectedResponseError(status, "missing or malformed X-RateLimit-Resource-* headers", bodyText);
    }
    return { ok: true, status: 200, chatId: body.result.chatId, rateLimit };
  }
  if (isDeclaredErrorStatus(status)) {
    const body = parseJson(status, bodyText);
    if (!isErrorBody(body)) {
      throw new UnexpectedResponseError(status, 'body is not {"status":"ERROR","errors":[{"code":...}]}', bodyText);
    }
    return rateLimit === undefined
      ? { ok: false, status, errors: body.errors }
      : { ok: false, status, errors: body.errors, rateLimit };
  }
  throw new UnexpectedResponseError(status, "status not declared by the createChat contract", bodyText);
}

function isDeclaredErrorStatus(status: number): status is CreateChatErrorStatus {
  return Object.hasOwn(DECLARED_ERROR_STATUSES, status);
}

function isChatCreatedBody(body: unknown): body is components["schemas"]["CreateChatResponse"] {
  if (!isRecord(body) || body.status !== "OK" || !isRecord(body.result)) return false;
  const chatId = body.result.chatId;
  return typeof chatId === "number" && Number.isSafeInteger(chatId) && chatId >= 1;
}



function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
