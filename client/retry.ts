/**
 * openapi-fetch middleware that retries a request answered with a 5xx or failed by a network
 * error, with exponential backoff and jitter. A 4xx (420 included) is never retried: the same
 * request would get the same answer, and retrying a 420 only spends more quota.
 */
import type { Middleware } from "openapi-fetch";

/** One retry about to happen, for logging or metrics. */
export interface RetryEvent {
  /** The attempt about to be made: 2 for the first retry. */
  attempt: number;
  /** The pause before it, in ms. */
  delayMs: number;
  /** The 5xx status that caused it, or undefined for a network error. */
  status: number | undefined;
  /** The network error that caused it, or undefined for a 5xx. */
  error: unknown;
  request: Request;
}

/** Options of {@link createRetry}. */
export interface RetryOptions {
  /** Attempts in all, the first included: an integer >= 1 (1 = never retry). Default: 3. */
  maxAttempts?: number;
  /** Pause before the first retry, before jitter, in ms; doubles for each further retry. Default: 200. */
  baseDelayMs?: number;
  /** Upper bound of any pause, in ms. Default: 5000. */
  maxDelayMs?: number;
  /**
   * Share of each pause drawn at random, 0..1: the pause is `d * (1 - jitter * random())` for the
   * backoff `d`, so 0 is plain exponential backoff and 1 is "full jitter" (anywhere in 0..d).
   * Spreading the retries keeps many clients from hitting a recovering server at the same instant.
   * Default: 0.5.
   */
  jitter?: number;
  /** How to wait; tests inject one that returns at once. Default: setTimeout, cut short by the request's abort signal. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Source of randomness in [0, 1) for the jitter. Default: Math.random. */
  random?: () => number;
  /** Called before each retry. Default: none. */
  onRetry?: (event: RetryEvent) => void;
}

/** The backoff of retry `n` (1 for the first retry) before jitter: `min(maxDelayMs, baseDelayMs * 2^(n-1))`. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
}

/**
 * Creates the retry middleware. Register it last (innermost): it re-sends the request exactly as
 * it left the other middleware, and they see only the answer the retries end with:
 * `client.use(createRateLimitGuard(), createRetry())`.
 *
 * Retries go through the client's own `fetch`. The body is copied before the first attempt, so a
 * POST is sent again whole. An aborted request is never retried; an abort during a pause ends it.
 * When every attempt fails, the call ends as the last attempt did: that 5xx answer, or that error.
 *
 * @param options.maxAttempts default 3.
 * @param options.baseDelayMs default 200.
 * @param options.maxDelayMs default 5000.
 * @param options.jitter default 0.5.
 * @param options.sleep default setTimeout.
 * @param options.random default Math.random.
 * @throws RangeError for a `maxAttempts` that is not an integer >= 1, a negative delay, or a jitter outside 0..1.
 * @example
 * const client = createMarketClient({ baseUrl, apiKey });
 * client.use(createRetry({ maxAttempts: 4, baseDelayMs: 100 }));
 */
export function createRetry(options: RetryOptions = {}): Middleware {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`createRetry: maxAttempts must be an integer >= 1, got ${String(maxAttempts)}`);
  }
  const baseDelayMs = nonNegative("baseDelayMs", options.baseDelayMs ?? 200);
  const maxDelayMs = nonNegative("maxDelayMs", options.maxDelayMs ?? 5000);
  const jitter = options.jitter ?? 0.5;
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`createRetry: jitter must be a number from 0 to 1, got ${String(jitter)}`);
  }
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const onRetry = options.onRetry;
  // The request as sent -> an unread copy of it, to send again. Weak: a request that never gets
  // an answer (another middleware answered it) leaves nothing behind.
  const copies = new WeakMap<Request, Request>();

  type Outcome = { response: Response } | { error: unknown };

  async function retryAfter(first: Outcome, request: Request, fetch: typeof globalThis.fetch): Promise<Outcome> {
    const template = copies.get(request);
    copies.delete(request);
    let last = first;
    if (template === undefined) return last;
    for (let attempt = 2; attempt <= maxAttempts; attempt++) {
      if (request.signal.aborted) return last;
      const delayMs = backoffDelay(attempt - 1, baseDelayMs, maxDelayMs) * (1 - jitter * random());
      onRetry?.({
        attempt,
        delayMs,
        status: "response" in last ? last.response.status : undefined,
        error: "error" in last ? last.error : undefined,
        request,
      });
      // The failed answer's body is not needed; cancelling it frees its connection.
      if ("response" in last) await last.response.body?.cancel().catch(() => undefined);
      try {
        await sleep(delayMs, request.signal);
      } catch (error) {
        return { error };
      }
      // Aborted during the pause (by a sleep that does not watch the signal): the call ends aborted.
      if (request.signal.aborted) return { error: request.signal.reason };
      try {
        const response = await fetch(template.clone());
        if (!isRetryableStatus(response.status)) return { response };
        last = { response };
      } catch (error) {
        if (isAbort(error, request)) return { error };
        last = { error };
      }
    }
    return last;
  }

  return {
    async onRequest({ request }) {
      if (maxAttempts > 1) copies.set(request, request.clone());
      return undefined;
    },

    async onResponse({ request, response, options: client }) {
      if (!isRetryableStatus(response.status)) {
        copies.delete(request);
        return undefined;
      }
      const outcome = await retryAfter({ response }, request, client.fetch);
      if ("response" in outcome) return outcome.response;
      // onResponse may only return a Response: a last attempt that failed without one rejects the call.
      throw outcome.error;
    },

    async onError({ request, error, options: client }) {
      if (isAbort(error, request)) {
        copies.delete(request);
        return undefined;
      }
      const outcome = await retryAfter({ error }, request, client.fetch);
      if ("response" in outcome) return outcome.response;
      return outcome.error instanceof Error ? outcome.error : undefined;
    },
  };
}

/** 5xx: the server failed, the same request may succeed later. */
function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599;
}

function isAbort(error: unknown, request: Request): boolean {
  return request.signal.aborted || (error instanceof Error && error.name === "AbortError");
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`createRetry: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
