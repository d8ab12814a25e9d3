/**
 * openapi-fetch middleware for the API's limits: a `420` becomes a typed {@link RateLimitError},
 * and, once an answer says the business has no request left in an operation's window, further
 * calls of that operation for that business are refused before they are sent, until the window
 * ends. Each operation has its own quota, so each has its own budget here: a spent getChatHistory
 * never holds back a sendMessageToChat.
 */
import type { Middleware, MiddlewareCallbackParams } from "openapi-fetch";
import { parseRateLimit, type RateLimitState } from "./rate-limit.js";
import { RateLimitError, type RateLimitKind } from "./rate-limit-error.js";
import type { components } from "../generated/schema.js";

/** Epoch-milliseconds source; inject one in tests (or one that follows the mock's virtual clock). */
export interface GuardClock {
  now(): number;
}

/** Options of {@link createRateLimitGuard}. */
export interface RateLimitGuardOptions {
  /**
   * Refuse a call locally (reject with `RateLimitError`, `local: true`, nothing sent) while the
   * business's quota is known to be spent: after an answer with `X-RateLimit-Resource-Remaining: 0`
   * or an hourly 420, until its `X-RateLimit-Resource-Until`. Default: true.
   */
  refuseLocally?: boolean;
  /** Where "now" comes from. Default: `Date.now()`. */
  clock?: GuardClock;
  /**
   * `until` of a parallel-limit 420 is now plus this pause, in ms: that limit frees when a request
   * in flight ends, and no header says when. Default: 1000.
   */
  parallelPauseMs?: number;
  /**
   * `until` of an hourly 420 whose answer has no readable `X-RateLimit-Resource-Until` (the contract
   * requires it, so only a misbehaving server omits it) is now plus this, in ms. Default: one hour.
   */
  fallbackWindowMs?: number;
}

const BUSINESS_IN_PATH = /\/businesses\/(\d+)(?:\/|$)/;

const systemClock: GuardClock = { now: () => Date.now() };

/**
 * Creates the rate-limit guard. Register it before (outside) a retry middleware, so it sees the
 * answer the retry ends with: `client.use(createRateLimitGuard(), createRetry())`.
 *
 * The kind of a 420 comes from its rate-limit headers, never from its message: the API answers
 * both limits with the same code, `LIMIT_EXCEEDED`, and only `X-RateLimit-Resource-Remaining`
 * tells them apart. `Remaining: 0` means the window's quota is spent, so no request can succeed
 * before `X-RateLimit-Resource-Until`: `hourly`, until then. `Remaining` above 0 means the window
 * still had room, so the limit hit was the in-flight one: `parallel`, for `parallelPauseMs`. A 420
 * without readable headers (the contract requires them) counts as `hourly`, for `fallbackWindowMs`.
 *
 * @param options.refuseLocally default true: refuse before sending while the quota is spent.
 * @param options.clock default the system clock.
 * @param options.parallelPauseMs default 1000.
 * @param options.fallbackWindowMs default 3_600_000.
 * @throws RangeError for a negative or non-finite pause or window.
 * @example
 * const client = createMarketClient({ baseUrl, apiKey });
 * client.use(createRateLimitGuard());
 * try { await createChat(client, 1001, body); }
 * catch (error) { if (error instanceof RateLimitError) console.log(error.kind, error.until); }
 */
export function createRateLimitGuard(options: RateLimitGuardOptions = {}): Middleware {
  const refuseLocally = options.refuseLocally ?? true;
  const clock = options.clock ?? systemClock;
  const parallelPauseMs = nonNegative("parallelPauseMs", options.parallelPauseMs ?? 1000);
  const fallbackWindowMs = nonNegative("fallbackWindowMs", options.fallbackWindowMs ?? 3_600_000);
  // Per operation and business (the API counts each operation apart): the spent window's end and its limit.
  const spent = new Map<string, { until: number; limit: number | undefined }>();

  return {
    async onRequest({ request, params, schemaPath }) {
      if (!refuseLocally) return undefined;
      const businessId = businessIdOf(params, request.url);
      const key = budgetKey(request.method, schemaPath, businessId);
      const block = spent.get(key);
      if (block === undefined) return undefined;
      if (clock.now() >= block.until) {
        spent.delete(key);
        return undefined;
      }
      throw new RateLimitError({
        kind: "hourly",
        until: new Date(block.until),
        limit: block.limit,
        remaining: 0,
        businessId,
        local: true,
        errors: [],
      });
    },

    async onResponse({ request, params, response, schemaPath }) {
      const businessId = businessIdOf(params, request.url);
      const key = budgetKey(request.method, schemaPath, businessId);
      const state = parseRateLimit(response.headers);
      if (state !== undefined) {
        if (state.remaining === 0) spent.set(key, { until: state.until.getTime(), limit: state.limit });
        else spent.delete(key);
      }
      if (response.status !== 420) return undefined;

      // The body is read here: the call rejects, so nothing downstream reads it.
      const errors = apiErrorsOf(await response.text().catch(() => ""));
      const kind = kindOf(state);
      const now = clock.now();
      let until: number;
      if (kind === "parallel") {
        until = now + parallelPauseMs;
      } else {
        until = state?.until.getTime() ?? now + fallbackWindowMs;
        if (refuseLocally) spent.set(key, { until, limit: state?.limit });
      }
      throw new RateLimitError({
        kind,
        until: new Date(until),
        // The in-flight limit is said only in the message's prose; the Limit header is the quota's.
        limit: kind === "parallel" ? undefined : state?.limit,
        remaining: state?.remaining,
        businessId,
        local: false,
        errors,
      });
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`createRateLimitGuard: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** One budget per operation (its method and path template) and business ("" when a request names none). */
function budgetKey(method: string, schemaPath: string, businessId: number | undefined): string {
  return `${method.toUpperCase()} ${schemaPath} ${businessId ?? ""}`;
}

/** The businessId path parameter as the call gave it, else the one in the URL. */
function businessIdOf(params: MiddlewareCallbackParams["params"], url: string): number | undefined {
  const fromParams = params.path?.businessId;
  if (typeof fromParams === "number" && Number.isSafeInteger(fromParams)) return fromParams;
  const fromUrl = BUSINESS_IN_PATH.exec(new URL(url).pathname)?.[1];
  return fromUrl === undefined ? undefined : Number(fromUrl);
}

/** Which limit a 420 is about, from its rate-limit headers (see {@link createRateLimitGuard}). */
function kindOf(state: RateLimitState | undefined): RateLimitKind {
  return state !== undefined && state.remaining > 0 ? "parallel" : "hourly";
}

function apiErrorsOf(text: string): components["schemas"]["ApiError"][] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter(
    (e: unknown): e is components["schemas"]["ApiError"] =>
      typeof e === "object" && e !== null && "code" in e && typeof e.code === "string",
  );
}
