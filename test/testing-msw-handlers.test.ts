/**
 * createMswHandlers with MSW itself: `setupServer` (msw/node) intercepts global fetch and axios,
 * and code that never heard of the mock, calling the real service's host, is answered by the mock
 * in this process: chats, the quota and its 420, faults, the clock, the journal, all steerable
 * through `mock.control` or through `/__mock` under the intercepted host.
 */
import axios, { AxiosError } from "axios";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createChat, createMarketClient, createRateLimitGuard, RateLimitError } from "../client/index.js";
import { createManualClock, createMockApp } from "../mock/index.js";
import { createMockControl, createMockFetch, startMock, verifyRequests, type MockFetch } from "../testing/index.js";
import { createMswHandlers, MARKET_API_BASE_URL } from "../testing/msw.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");
const CHATS_1001 = `${MARKET_API_BASE_URL}/v2/businesses/1001/chats/new`;
const ORDER = { context: { type: "ORDER", id: 11001 } } as const;
const HEADERS = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };

// The code under test, made at import time, before MSW listens, with nothing injected.
const appClient = createMarketClient({ baseUrl: MARKET_API_BASE_URL, apiKey: "demo-all-methods" });

const server = setupServer();
let mock: MockFetch;

beforeAll(() =>
  server.listen({
    // Anything MSW does not handle is a test bug, except the socket mock one test starts on 127.0.0.1.
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== "127.0.0.1") print.error();
    },
  }),
);
beforeEach(() => {
  mock = createMockFetch({ quota: 3, clock: createManualClock(T0) });
  server.use(...createMswHandlers(mock));
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("global fetch, intercepted", () => {
  it("reaches the mock at the real host: a chat, the rate-limit headers, a journal entry", async () => {
    const response = await fetch(CHATS_1001, { method: "POST", headers: HEADERS, body: JSON.stringify(ORDER) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "OK", result: { chatId: 1 } });
    expect(response.headers.get("X-RateLimit-Resource-Remaining")).toBe("2");
    await verifyRequests(mock, { method: "POST", path: "/v2/businesses/1001/chats/new", status: 200, body: ORDER, count: { exactly: 1 } });
  });

  it("serves a typed client made before MSW listened, and the quota's 420 reaches its guard", async () => {
    const guarded = createMarketClient({ baseUrl: MARKET_API_BASE_URL, apiKey: "demo-all-methods" });
    guarded.use(createRateLimitGuard({ clock: { now: () => T0 }, refuseLocally: false }));
    for (const id of [11001, 11002]) expect((await createChat(appClient, 1001, { context: { type: "ORDER", id } })).ok).toBe(true);
    expect((await createChat(guarded, 1001, { context: { type: "ORDER", id: 11003 } })).ok).toBe(true);
    const refused = await createChat(guarded, 1001, { context: { type: "ORDER", id: 11004 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ kind: "hourly", local: false, remaining: 0, limit: 3, until: new Date(T0 + 3_600_000) });
    await verifyRequests(mock, { businessId: 1001, status: 420, count: { exactly: 1 } });
  });

  it("steers the mock through /__mock under the intercepted host, on the same state", async () => {
    const control = createMockControl({ baseUrl: MARKET_API_BASE_URL });
    await control.fault({ status: 500, times: 1, match: { businessId: 1001 } });
    expect((await mock.control.faults()).map((f) => f.status)).toEqual([500]);
    const failed = await createChat(appClient, 1001, ORDER);
    expect(!failed.ok && [failed.status, failed.errors[0]?.code]).toEqual([500, "INTERNAL_ERROR"]);

    for (let i = 0; i < 2; i++) await createChat(appClient, 1001, ORDER);
    expect((await createChat(appClient, 1001, ORDER)).status).toBe(420);
    const moved = await control.advanceTime("1h");
    expect(moved).toEqual({ now: "2026-11-25T13:00:00.000Z", clockOffsetMs: 3_600_000 });
    const next = await createChat(appClient, 1001, ORDER);
    expect(next.ok && next.rateLimit.remaining).toBe(2);
    expect((await mock.control.state()).businesses.find((b) => b.businessId === 1001)?.quota.used).toBe(1);
  });
});

describe("axios, intercepted (node:http)", () => {
  it("gets the chat, with the request body as sent", async () => {
    const answer = await axios.post(CHATS_1001, ORDER, { headers: { "Api-Key": "demo-all-methods" } });
    expect([answer.status, answer.data]).toEqual([200, { status: "OK", result: { chatId: 1 } }]);
    expect(answer.headers["x-ratelimit-resource-limit"]).toBe("3");
    await verifyRequests(mock, { businessId: 1001, status: 200, body: ORDER, count: { exactly: 1 } });
  });

  it("gets the quota's 420 as an AxiosError with the API's body and headers", async () => {
    for (let i = 0; i < 3; i++) await axios.post(CHATS_1001, ORDER, { headers: { "Api-Key": "demo-all-methods" } });
    const error = await axios.post(CHATS_1001, ORDER, { headers: { "Api-Key": "demo-all-methods" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    const response = (error as AxiosError<{ errors: Array<{ code: string; message: string }> }>).response;
    expect(response?.status).toBe(420);
    expect(response?.data.errors[0]?.code).toBe("LIMIT_EXCEEDED");
    expect(response?.data.errors[0]?.message).toMatch(/^Hit rate limit of 3 requests per 1h for businessId 1001/);
    expect(response?.headers["x-ratelimit-resource-remaining"]).toBe("0");
    expect(response?.headers["x-ratelimit-resource-until"]).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
  });

  it("meets a fault set through mock.control, and a wrong token's 403", async () => {
    await mock.control.fault({ status: 500, times: 1 });
    const faulted = await axios.post(CHATS_1001, ORDER, { headers: { "Api-Key": "demo-all-methods" } }).catch((e: unknown) => e);
    expect((faulted as AxiosError).response?.status).toBe(500);
    const stranger = await axios.post(CHATS_1001, ORDER, { headers: { "Api-Key": "nobody" } }).catch((e: unknown) => e);
    expect((stranger as AxiosError).response?.status).toBe(403);
    await verifyRequests(mock, { businessId: 1001, status: 403, count: { exactly: 1 } });
  });
});

describe("createMswHandlers", () => {
  it("answers for another base URL, its path prefix removed, and then not for the real host", async () => {
    server.resetHandlers(...createMswHandlers(mock, { baseUrl: "http://market-gateway.test/market/" }));
    const response = await fetch("http://market-gateway.test/market/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: HEADERS,
      body: JSON.stringify(ORDER),
    });
    expect(response.status).toBe(200);
    await verifyRequests(mock, { path: "/v2/businesses/1001/chats/new", status: 200, count: { exactly: 1 } });
    // Unhandled now, and onUnhandledRequest is "error" here: the request fails.
    await expect(fetch(CHATS_1001, { method: "POST", headers: HEADERS, body: JSON.stringify(ORDER) })).rejects.toThrow();
  });

  it("takes the app of createMockApp, and a mock on a socket, sharing its state", async () => {
    const app = createMockApp();
    server.resetHandlers(...createMswHandlers(app));
    expect((await createChat(appClient, 1003, { context: { type: "ORDER", id: 31001 } })).ok).toBe(true);
    const journal = await app.request("/__mock/requests");
    expect(((await journal.json()) as { total: number }).total).toBe(1);

    const onSocket = await startMock();
    try {
      server.resetHandlers(...createMswHandlers(onSocket));
      expect((await createChat(appClient, 1003, { context: { type: "ORDER", id: 31001 } })).ok).toBe(true);
      // The socket's own control API sees the request MSW served.
      await verifyRequests(onSocket, { businessId: 1003, status: 200, count: { exactly: 1 } });
    } finally {
      await onSocket.stop();
    }
  });

  it("answers other paths as the mock does: 404 in the API's shape", async () => {
    const response = await fetch(`${MARKET_API_BASE_URL}/v2/campaigns`, { headers: HEADERS });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("NOT_FOUND");
  });

  it("refuses a base URL that is not an absolute http(s) URL", () => {
    expect(() => createMswHandlers(mock, { baseUrl: "api.partner.market.yandex.ru" })).toThrow(TypeError);
    expect(() => createMswHandlers(mock, { baseUrl: "ftp://example.test" })).toThrow(/absolute http\(s\) URL/);
    expect(() => createMswHandlers(mock, { baseUrl: "https://example.test/?x=1" })).toThrow(TypeError);
  });
});
