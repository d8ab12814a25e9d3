/**
 * The rate-limit guard: a 420 rejects as a typed RateLimitError (hourly or parallel, with `until`),
 * and a spent quota is refused locally, without a request, until the window's end. Runs against
 * the in-process mock; the guard's clock is injected, so nothing waits.
 */
import { describe, expect, it } from "vitest";
import {
  createChat,
  createMarketClient,
  createRateLimitGuard,
  RateLimitError,
  type RateLimitGuardOptions,
} from "../client/index.js";
import { createManualClock } from "../mock/state/clock.js";
import type { MockOptions } from "../mock/app.js";
import { createMockFetch } from "../testing/index.js";
import { createHeldSleep, settle } from "./support/api.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");
const HOUR = 3_600_000;
const ORDER = { context: { type: "ORDER", id: 11001 } } as const;

/** The in-process mock on a manual clock, and a client guarded by a clock that reads the same time. */
function setup(mockOptions: MockOptions = {}, guardOptions: RateLimitGuardOptions = {}) {
  const clock = createManualClock(T0);
  const fetch = createMockFetch({ clock, ...mockOptions });
  const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
  client.use(createRateLimitGuard({ clock, ...guardOptions }));
  return { clock, fetch, client };
}

async function rejection(promise: Promise<unknown>): Promise<RateLimitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  return error as RateLimitError;
}

describe("createRateLimitGuard", () => {
  it("turns the quota's 420 into an hourly RateLimitError with the window's end", async () => {
    const { client } = setup({ quota: 2 }, { refuseLocally: false });
    await createChat(client, 1001, ORDER);
    await createChat(client, 1001, ORDER);
    const error = await rejection(createChat(client, 1001, ORDER));
    expect(error).toMatchObject({
      kind: "hourly",
      status: 420,
      limit: 2,
      remaining: 0,
      businessId: 1001,
      local: false,
      until: new Date(T0 + HOUR),
    });
    expect(error.errors[0]?.code).toBe("LIMIT_EXCEEDED");
    expect(error.message).toContain("HTTP 420");
  });

  it("refuses locally once Remaining reaches 0, sending nothing, until `until`", async () => {
    const { client, clock, fetch } = setup({ quota: 2 });
    await createChat(client, 1001, ORDER);
    const last = await createChat(client, 1001, ORDER);
    expect(last.ok && last.rateLimit.remaining).toBe(0);

    const refused = await rejection(createChat(client, 1001, ORDER));
    expect(refused).toMatchObject({ kind: "hourly", local: true, limit: 2, remaining: 0, businessId: 1001, until: new Date(T0 + HOUR) });
    expect(await fetch.control.requests()).toHaveLength(2);

    clock.advance(HOUR - 1);
    await rejection(createChat(client, 1001, ORDER));
    expect(await fetch.control.requests()).toHaveLength(2);

    clock.advance(1); // the window has ended for the guard and the mock alike
    const again = await createChat(client, 1001, ORDER);
    expect(again.ok && again.rateLimit.remaining).toBe(1);
    expect(await fetch.control.requests()).toHaveLength(3);
  });

  it("keeps each business's quota apart", async () => {
    const { client } = setup({ quota: 1 });
    await createChat(client, 1001, ORDER);
    await rejection(createChat(client, 1001, ORDER));
    expect((await createChat(client, 1003, { context: { type: "ORDER", id: 31001 } })).ok).toBe(true);
  });

  it("with refuseLocally false, every call reaches the API", async () => {
    const { client, fetch } = setup({ quota: 1 }, { refuseLocally: false });
    await createChat(client, 1001, ORDER);
    expect((await rejection(createChat(client, 1001, ORDER))).local).toBe(false);
    expect((await rejection(createChat(client, 1001, ORDER))).local).toBe(false);
    expect((await fetch.control.requests()).map((r) => r.status)).toEqual([200, 420, 420]);
  });

  it("tells the parallel limit's 420 apart: kind parallel, a short pause, no local block", async () => {
    const held = createHeldSleep();
    const { client } = setup(
      { parallelLimit: 1, latency: { minMs: 10, maxMs: 10 }, sleep: held.sleep },
      { parallelPauseMs: 250 },
    );
    // A request that gets the slot waits in the held sleep until released.
    const heldOne = async () => {
      for (let i = 0; i < 50 && held.pending.length === 0; i++) await settle();
      expect(held.pending).toHaveLength(1);
    };
    const first = createChat(client, 1001, ORDER);
    await heldOne();
    const error = await rejection(createChat(client, 1001, ORDER));
    // The window had room (Remaining > 0), so the limit hit is the in-flight one; its size is in prose only.
    expect(error).toMatchObject({ kind: "parallel", limit: undefined, businessId: 1001, local: false, until: new Date(T0 + 250) });
    expect(error.remaining).toBeGreaterThan(0);
    held.releaseAll();
    expect((await first).ok).toBe(true);
    // Not refused locally: the next call is sent and succeeds.
    const third = createChat(client, 1001, ORDER);
    await heldOne();
    held.releaseAll();
    expect((await third).ok).toBe(true);
  });

  /** A client whose every answer is this 420, as the API would send it. */
  function answering420(message: string, rateLimit: { remaining: string } | undefined) {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (rateLimit !== undefined) {
      headers["X-RateLimit-Resource-Limit"] = "1000";
      headers["X-RateLimit-Resource-Remaining"] = rateLimit.remaining;
      headers["X-RateLimit-Resource-Until"] = "Wed, 25 Nov 2026 13:00:00 GMT";
    }
    let sent = 0;
    const client = createMarketClient({
      baseUrl: "http://api.test",
      apiKey: "k",
      fetch: async () => {
        sent += 1;
        return new Response(JSON.stringify({ status: "ERROR", errors: [{ code: "LIMIT_EXCEEDED", message }] }), { status: 420, headers });
      },
    });
    client.use(createRateLimitGuard({ clock: { now: () => T0 }, parallelPauseMs: 250, fallbackWindowMs: 60_000 }));
    return { client, sent: () => sent };
  }

  it("reads the kind from the headers, whatever the message says", async () => {
    const cases = [
      // The two answers of the API, and the same with each other's message: the words never decide.
      { message: "Hit rate limit of 1000 requests per 1h for businessId 1001", remaining: "0", kind: "hourly" },
      { message: "Hit rate limit of 4 parallel requests for businessId 1001", remaining: "996", kind: "parallel" },
      { message: "Hit rate limit of 4 parallel requests for businessId 1001", remaining: "0", kind: "hourly" },
      { message: "Hit rate limit of 1000 requests per 1h for businessId 1001", remaining: "7", kind: "parallel" },
      { message: "", remaining: "0", kind: "hourly" },
    ] as const;
    for (const { message, remaining, kind } of cases) {
      const error = await rejection(createChat(answering420(message, { remaining }).client, 1001, ORDER));
      expect([error.kind, error.remaining], `${message} / Remaining ${remaining}`).toEqual([kind, Number(remaining)]);
      if (kind === "hourly") expect([error.until, error.limit]).toEqual([new Date(T0 + HOUR), 1000]);
      else expect([error.until, error.limit]).toEqual([new Date(T0 + 250), undefined]);
    }
  });

  it("after an hourly 420 refuses locally until Until; after a parallel one sends the next call", async () => {
    const hourly = answering420("", { remaining: "0" });
    await rejection(createChat(hourly.client, 1001, ORDER));
    expect((await rejection(createChat(hourly.client, 1001, ORDER))).local).toBe(true);
    expect(hourly.sent()).toBe(1);

    const parallel = answering420("", { remaining: "5" });
    await rejection(createChat(parallel.client, 1001, ORDER));
    expect((await rejection(createChat(parallel.client, 1001, ORDER))).local).toBe(false);
    expect(parallel.sent()).toBe(2);
  });

  it("takes a 420 without readable rate-limit headers as hourly, for fallbackWindowMs", async () => {
    const error = await rejection(createChat(answering420("Hit rate limit of 4 parallel requests", undefined).client, 1001, ORDER));
    expect(error).toMatchObject({ kind: "hourly", until: new Date(T0 + 60_000), limit: undefined, remaining: undefined });
  });

  it("reads a forced 420 (Prefer) by its rate-limit headers, not its example's words", async () => {
    const { client } = setup({}, { refuseLocally: false });
    for (const prefer of ["code=420", "example=quotaExceeded", "example=parallelLimit"]) {
      // A forced 420 with credentials and a business carries the business's live headers, a spent
      // window (Remaining 0), whichever example's words it has: the guard reads an hourly limit.
      const forced = await rejection(
        client.POST("/v2/businesses/{businessId}/chats/new", { params: { path: { businessId: 1001 } }, body: ORDER, headers: { Prefer: prefer } }),
      );
      expect([forced.kind, forced.remaining], prefer).toEqual(["hourly", 0]);
    }
  });

  it("leaves every other answer to createChat's typed result", async () => {
    const { client } = setup();
    const missing = await createChat(client, 1001, { context: { type: "ORDER", id: 99999 } });
    expect(!missing.ok && missing.errors[0]?.code).toBe("ORDER_NOT_FOUND");
  });

  it("refuses a negative or non-finite pause", () => {
    expect(() => createRateLimitGuard({ parallelPauseMs: -1 })).toThrow(RangeError);
    expect(() => createRateLimitGuard({ fallbackWindowMs: Number.NaN })).toThrow(/fallbackWindowMs/);
  });
});
