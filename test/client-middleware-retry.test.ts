/**
 * The retry middleware: 5xx answers and network errors are retried with exponential backoff and
 * jitter up to maxAttempts, the body is sent whole each time, and a 4xx (420 included) never is.
 * Sleep and randomness are injected: nothing here waits.
 */
import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  createChat,
  createMarketClient,
  createRateLimitGuard,
  createRetry,
  RateLimitError,
  type RetryEvent,
  type RetryOptions,
} from "../client/index.js";
import { createManualClock } from "../mock/state/clock.js";
import { createMockFetch } from "../testing/index.js";

const ORDER = { context: { type: "ORDER", id: 11001 } } as const;
const T0 = Date.parse("2026-11-25T12:00:00Z");

type Step = number | Error;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const RATE_HEADERS = {
  "X-RateLimit-Resource-Limit": "1000",
  "X-RateLimit-Resource-Remaining": "999",
  "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
};

/** A fetch that answers the scripted steps in order (a status, or an error to throw), recording each request's body. */
function scripted(steps: Step[]) {
  const bodies: string[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    bodies.push(await request.text());
    const step = steps[bodies.length - 1] ?? 200;
    if (step instanceof Error) throw step;
    if (step === 200) return json(200, { status: "OK", result: { chatId: 5 } }, RATE_HEADERS);
    const code = step === 500 ? "INTERNAL_ERROR" : step === 420 ? "LIMIT_EXCEEDED" : "BAD_REQUEST";
    return json(step, { status: "ERROR", errors: [{ code, message: `step ${bodies.length}` }] }, RATE_HEADERS);
  };
  return { fetch, bodies };
}

function clientWith(steps: Step[], options: RetryOptions = {}) {
  const { fetch, bodies } = scripted(steps);
  const delays: number[] = [];
  const events: RetryEvent[] = [];
  const client = createMarketClient({ baseUrl: "http://api.test", apiKey: "k", fetch });
  client.use(
    createRetry({
      baseDelayMs: 100,
      maxDelayMs: 1000,
      jitter: 0,
      sleep: async (ms) => {
        delays.push(ms);
      },
      onRetry: (event) => events.push(event),
      ...options,
    }),
  );
  return { client, bodies, delays, events };
}

const networkError = () => new TypeError("fetch failed");

describe("createRetry", () => {
  it("retries 5xx with doubling pauses and returns the answer that succeeded", async () => {
    const { client, bodies, delays, events } = clientWith([500, 503, 200], { maxAttempts: 3 });
    const result = await createChat(client, 1001, ORDER);
    expect(result.ok && result.chatId).toBe(5);
    expect(bodies).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [2, 500],
      [3, 503],
    ]);
  });

  it("stops at maxAttempts and hands back the last 5xx as the typed result", async () => {
    const { client, bodies } = clientWith([500, 500, 500, 500, 500], { maxAttempts: 4 });
    const result = await createChat(client, 1001, ORDER);
    expect(!result.ok && [result.status, result.errors[0]?.message]).toEqual([500, "step 4"]);
    expect(bodies).toHaveLength(4);
  });

  it.each([400, 404, 420])("never retries a %i", async (status) => {
    const { client, bodies, delays } = clientWith([status, 200]);
    const result = await createChat(client, 1001, ORDER);
    expect(result.status).toBe(status);
    expect(bodies).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("retries network errors, and rejects with the last one when all attempts fail", async () => {
    const recovered = clientWith([networkError(), 200]);
    expect((await createChat(recovered.client, 1001, ORDER)).ok).toBe(true);
    expect(recovered.events.map((e) => [e.attempt, e.status, (e.error as Error).message])).toEqual([[2, undefined, "fetch failed"]]);

    const last = new TypeError("fetch failed: third");
    const down = clientWith([networkError(), networkError(), last, 200], { maxAttempts: 3 });
    await expect(createChat(down.client, 1001, ORDER)).rejects.toBe(last);
    expect(down.bodies).toHaveLength(3);
  });

  it("a 5xx followed by network errors rejects with the last error", async () => {
    const last = new TypeError("fetch failed: last");
    const { client, bodies } = clientWith([500, networkError(), last], { maxAttempts: 3 });
    await expect(createChat(client, 1001, ORDER)).rejects.toBe(last);
    expect(bodies).toHaveLength(3);
  });

  it("sends the POST body whole on every attempt", async () => {
    const { client, bodies } = clientWith([500, networkError(), 200]);
    await createChat(client, 1001, ORDER);
    expect(bodies).toEqual([JSON.stringify(ORDER), JSON.stringify(ORDER), JSON.stringify(ORDER)]);
  });

  it("caps the pause at maxDelayMs and draws the jitter share from random()", async () => {
    const capped = clientWith([500, 500, 500, 500, 200], { maxAttempts: 5, baseDelayMs: 300, maxDelayMs: 1000 });
    await createChat(capped.client, 1001, ORDER);
    expect(capped.delays).toEqual([300, 600, 1000, 1000]);

    const jittered = clientWith([500, 500, 200], { jitter: 0.5, random: () => 0.5 });
    await createChat(jittered.client, 1001, ORDER);
    expect(jittered.delays).toEqual([75, 150]); // d * (1 - 0.5 * 0.5)

    const full = clientWith([500, 200], { jitter: 1, random: () => 0.9 });
    await createChat(full.client, 1001, ORDER);
    expect(full.delays[0]).toBeCloseTo(10);
    expect(backoffDelay(6, 100, 1000)).toBe(1000);
  });

  it("maxAttempts 1 never retries", async () => {
    const { client, bodies } = clientWith([500, 200], { maxAttempts: 1 });
    expect((await createChat(client, 1001, ORDER)).status).toBe(500);
    expect(bodies).toHaveLength(1);
  });

  it.each([
    ["a sleep that rejects on abort", true],
    ["a sleep that ignores the signal", false],
  ])("does not retry once the request is aborted during the pause (%s)", async (_name, rejects) => {
    const { fetch, bodies } = scripted([500, 500, 200]);
    const controller = new AbortController();
    const client = createMarketClient({ baseUrl: "http://api.test", apiKey: "k", fetch });
    client.use(
      createRetry({
        jitter: 0,
        sleep: async (_ms, signal) => {
          controller.abort();
          if (rejects && signal.aborted) throw signal.reason;
        },
      }),
    );
    const call = client.POST("/v2/businesses/{businessId}/chats/new", {
      params: { path: { businessId: 1001 } },
      body: ORDER,
      signal: controller.signal,
    });
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(bodies).toHaveLength(1);
  });

  it("refuses settings it cannot honour", () => {
    expect(() => createRetry({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createRetry({ maxAttempts: 1.5 })).toThrow(RangeError);
    expect(() => createRetry({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    expect(() => createRetry({ jitter: 2 })).toThrow(/jitter/);
  });

  it("with the guard outside it, a 500 is retried and the 420 after it rejects as RateLimitError", async () => {
    const { fetch, bodies } = scripted([500, 420, 200]);
    const client = createMarketClient({ baseUrl: "http://api.test", apiKey: "k", fetch });
    client.use(createRateLimitGuard({ clock: { now: () => T0 } }), createRetry({ sleep: async () => undefined }));
    const error = await createChat(client, 1001, ORDER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(bodies).toHaveLength(2);
  });

  it("recovers from injected 500s of the mock; the journal shows each attempt", async () => {
    const fetch = createMockFetch({ clock: createManualClock(T0) });
    const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
    client.use(createRateLimitGuard(), createRetry({ maxAttempts: 3, sleep: async () => undefined }));
    await fetch.control.fault({ status: 500, times: 2 });
    const result = await createChat(client, 1001, ORDER);
    expect(result.ok && result.chatId).toBe(1);
    expect((await fetch.control.requests()).map((r) => r.status)).toEqual([500, 500, 200]);
  });
});
