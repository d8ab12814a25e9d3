/**
 * Reading an answer of the chat operations into a typed result: a success body the caller's guard
 * accepts, with the quota headers the contract requires on 200; or one of the declared error
 * answers; anything else is an {@link UnexpectedResponseError}. createChat's reader
 * (create-chat-response.ts) is the same rule for its one operation.
 */
import type { components, operations } from "../generated/schema.js";
import { parseRateLimit, type RateLimitState } from "./rate-limit.js";
import { UnexpectedResponseError } from "./unexpected-response-error.js";

export type ApiError = components["schemas"]["ApiError"];

/** The chat operations of the contract besides createChat. */
export type ChatOperationId = "getChats" | "getChat" | "sendMessageToChat" | "getChatMessage" | "getChatHistory" | "sendFileToChat";

/** The statuses an operation declares besides 200. */
export type ErrorStatusOf<Op extends keyof operations> = Exclude<keyof operations[Op]["responses"], 200>;

/** The API refused the request with one of the operation's declared error answers. */
export interface ApiFailure<Op extends keyof operations = ChatOperationId> {
  ok: false;
  status: ErrorStatusOf<Op>;
  errors: ApiError[];
  /** Present when the answer carried the quota headers (it was counted against the quota). */
  rateLimit?: RateLimitState;
}

type AnyErrorStatus = ErrorStatusOf<ChatOperationId>;

// A Record over the derived union: the compiler fails here when an operation gains or loses an
// error status, so this runtime list cannot drift from the declared responses.
const DECLARED_ERROR_STATUSES: Record<AnyErrorStatus, true> = { 400: true, 401: true, 403: true, 404: true, 420: true, 500: true };

/** A 200 whose body passed the guard. */
export interface ApiSuccess<T> {
  ok: true;
  status: 200;
  body: T;
  rateLimit: RateLimitState;
}

/**
 * Reads an answer; `isSuccessBody` says what a 200 must look like, `shape` how to describe it when
 * it does not. Throws an {@link UnexpectedResponseError} for anything the contract does not declare.
 */
export function readApiAnswer<T, Op extends ChatOperationId>(
  operationId: Op,
  response: { status: number; headers: Headers; bodyText: string },
  isSuccessBody: (body: unknown) => body is T,
  shape: string,
): ApiSuccess<T> | ApiFailure<Op> {
  const { status, headers, bodyText } = response;
  const rateLimit = parseRateLimit(headers);
  if (status === 200) {
    const body = parseJson(status, bodyText);
    if (!isSuccessBody(body)) throw new UnexpectedResponseError(status, `body is not ${shape}`, bodyText);
    if (rateLimit === undefined) throw new UnexpectedResponseError(status, "missing or malformed X-RateLimit-Resource-* headers", bodyText);
    return { ok: true, status: 200, body, rateLimit };
  }
  if (Object.hasOwn(DECLARED_ERROR_STATUSES, status)) {
    const body = parseJson(status, bodyText);
    if (!isErrorBody(body)) throw new UnexpectedResponseError(status, 'body is not {"status":"ERROR","errors":[{"code":...}]}', bodyText);
    const failure: ApiFailure<Op> = { ok: false, status: status as ErrorStatusOf<Op>, errors: body.errors };
    if (rateLimit !== undefined) failure.rateLimit = rateLimit;
    return failure;
  }
  throw new UnexpectedResponseError(status, `status not declared by the ${operationId} contract`, bodyText);
}

/** openapi-fetch hands a 2xx body over as text (parseAs) but tries JSON.parse on any other. */
export function bodyTextOf(data: string | undefined, error: unknown): string {
  if (typeof data === "string") return data;
  if (error === undefined) return "";
  return typeof error === "string" ? error : JSON.stringify(error);
}

/** The body as JSON, or an UnexpectedResponseError naming the status. */
export function parseJson(status: number, bodyText: string): unknown {
  try {
    return JSON.parse(bodyText);
  } catch {
    throw new UnexpectedResponseError(status, "body is not JSON", bodyText);
  }
}

/** A body in the API's error shape. */
export function isErrorBody(body: unknown): body is components["schemas"]["ErrorResponse"] {
  return (
    isRecord(body) &&
    body.status === "ERROR" &&
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every((item) => isRecord(item) && typeof item.code === "string" && (item.message === undefined || typeof item.message === "string"))
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{"status":"OK", ...}` with a `result` the guard accepts. */
export function okWith<R>(isResult: (result: unknown) => result is R) {
  return (body: unknown): body is { status: "OK"; result: R } => isRecord(body) && body.status === "OK" && isResult(body.result);
}

export const isId = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
export const isChat = (value: unknown): value is components["schemas"]["Chat"] =>
  isRecord(value) && isId(value.chatId) && isRecord(value.context) && typeof value.context.type === "string" && typeof value.type === "string" && typeof value.status === "string";
export const isMessage = (value: unknown): value is components["schemas"]["ChatMessage"] =>
  isRecord(value) && isId(value.messageId) && typeof value.sender === "string" && typeof value.createdAt === "string";
/** The page token of a result's `paging`, if it names one. */
export function nextPageTokenOf(result: { paging?: components["schemas"]["Paging"] }): string | undefined {
  const token = result.paging?.nextPageToken;
  return typeof token === "string" && token !== "" ? token : undefined;
}
