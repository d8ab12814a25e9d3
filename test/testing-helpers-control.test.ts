/**
 * The testing helpers give the same control over the mock whether it runs on a port (`startMock`)
 * or in-process as a fetch (`createMockFetch`): one suite, run against both.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createChat, createMarketClient, type MarketClient } from "../client/index.js";
import { createManualClock } from "../mock/state/clock.js";
import type { MockOptions } from "../mock/app.js";
import {
  createMockControl,
  createMockFetch,
  MockControlError,
  MockUnreachableError,
  startMock,
  type MockControl,
  type MockStateSnapshot,
} from "../testing/index.js";
import { freePort } from "./support/free-port.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");
const HOUR = 3_600_000;
const ORDER = { context: { type: "ORDER", id: 11001 } } as const;

interface Harness {
  client: MarketClient;
  control: MockControl;
  stop(): Promise<void>;
}

const transports: Array<[string, (options: MockOptions) => Promise<Harness>]> = [
  [
    "startMock (a socket)",
    async (options) => {
      const mock = await startMock(options);
      return {
        client: createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" }),
        control: mock.control,
        stop: mock.stop,
      };
    },
  ],
  [
    "createMockFetch (in-process)",
    async (options) => {
      const fetch = createMockFetch(options);
      return {
        client: createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch }),
        control: fetch.control,
        stop: async () => undefined,
      };
    },
  ],
];

describe.each(transports)("control through %s", (_name, start) => {
  let harness: Harness | undefined;
  const open = async (options: MockOptions = {}) => {
    harness = await start({ clock: createManualClock(T0), ...options });
    return harness;
  };
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("requests(filter) lists the journal, narrowed by business and status", async () => {
    const { client, control } = await open();
    expect((await createChat(client, 1001, ORDER)).ok).toBe(true);
    expect((await createChat(client, 1001, { context: { type: "ORDER", id: 99999 } })).status).toBe(404);
    expect((await createChat(client, 1003, { context: { type: "ORDER", id: 31001 } })).ok).toBe(true);

    const all = await control.requests();
    expect(all.map((r) => [r.businessId, r.status])).toEqual([
      [1001, 200],
      [1001, 404],
      [1003, 200],
    ]);
    expect((await control.requests({ businessId: 1001 })).map((r) => r.status)).toEqual([200, 404]);
    expect((await control.requests({ status: 404 })).map((r) => r.request.body)).toEqual([{ context: { type: "ORDER", id: 99999 } }]);
    expect((await control.requests({ limit: 1 })).map((r) => r.businessId)).toEqual([1003]);
    // The credential never comes back from the journal.
    expect(all[0]?.request.headers["api-key"]).toBe("[REDACTED]");
  });

  it("advanceTime rolls a spent quota window over, as state() shows", async () => {
    const { client, control } = await open({ quota: 2, windowMs: HOUR });
    await createChat(client, 1001, ORDER);
    await createChat(client, 1001, ORDER);
    const refused = await createChat(client, 1001, ORDER);
    expect(refused.status).toBe(420);

    const spent = (await control.state()).businesses.find((b) => b.businessId === 1001);
    // The refused one counts too; the window's end is ISO 8601, like every instant of the control client.
    expect(spent?.quota).toMatchObject({ used: 3, remaining: 0, until: "2026-11-25T13:00:00.000Z", windowStart: "2026-11-25T12:00:00.000Z" });

    const moved = await control.advanceTime("1h");
    expect(moved).toEqual({ now: "2026-11-25T13:00:00.000Z", clockOffsetMs: HOUR });
    const again = await createChat(client, 1001, ORDER);
    expect(again.ok && again.rateLimit.remaining).toBe(1);
  });

  it("setTime jumps the clock to an instant, also backwards", async () => {
    const { control } = await open();
    expect((await control.setTime(new Date(T0 + 5000))).now).toBe("2026-11-25T12:00:05.000Z");
    expect(await control.setTime("2026-11-25T11:00:00Z")).toEqual({ now: "2026-11-25T11:00:00.000Z", clockOffsetMs: -HOUR });
    expect((await control.state()).now).toBe("2026-11-25T11:00:00.000Z");
    expect((await control.setTime(T0)).now).toBe("2026-11-25T12:00:00.000Z"); // epoch ms too
  });

  it("fault(rule) makes the next matching call fail, and clearFaults removes the rest", async () => {
    const { client, control } = await open();
    const fault = await control.fault({ status: 500, times: 1, match: { businessId: 1001 } });
    expect(fault).toMatchObject({ status: 500, remaining: 1, hits: 0, match: { businessId: 1001 } });
    await control.fault({ status: 403 });
    expect((await control.faults()).map((f) => f.status)).toEqual([500, 403]);

    const failed = await createChat(client, 1001, ORDER);
    expect(!failed.ok && [failed.status, failed.errors[0]?.code]).toEqual([500, "INTERNAL_ERROR"]);
    expect(await control.clearFaults()).toBe(1);
    expect((await createChat(client, 1001, ORDER)).ok).toBe(true);
  });

  it("reset() forgets chats, journal and clock", async () => {
    const { client, control } = await open();
    await createChat(client, 1001, ORDER);
    await control.advanceTime(60_000);
    await control.reset();
    const state = await control.state();
    expect(state.clockOffsetMs).toBe(0);
    expect(state.businesses.flatMap((b) => b.chats)).toEqual([]);
    expect(await control.requests()).toEqual([]);
  });

  it("setFixtures puts new tokens and businesses in force", async () => {
    const { control } = await open();
    const counts = await control.setFixtures({
      tokens: [{ token: "t-1", scheme: "api-key", scopes: ["communication"], businesses: [7] }],
      businesses: [{ id: 7, model: "FBS", orders: [70], returns: [] }],
    });
    expect(counts).toEqual({ businesses: 1, tokens: 1 });
    expect((await control.state()).businesses.map((b) => b.businessId)).toEqual([7]);
  });

  it("rejects a refused control request with MockControlError naming the code", async () => {
    const { control } = await open();
    const refusal = await control.advanceTime(-1).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MockControlError);
    expect(refusal).toMatchObject({ status: 400, code: "INVALID_CONTROL_REQUEST" });
    expect((refusal as Error).message).toContain("/advanceMs");
    // A duration the helper cannot read is refused before anything is sent.
    await expect(control.advanceTime("an hour")).rejects.toThrow(RangeError);
  });

  it("gives every instant as ISO 8601 in UTC with milliseconds: clock moves, state, journal", async () => {
    const { client, control } = await open();
    await createChat(client, 1001, ORDER);
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const state = await control.state();
    const business = state.businesses.find((b) => b.businessId === 1001);
    const instants = [
      (await control.advanceTime(1)).now,
      state.now,
      business?.quota.until,
      business?.quota.windowStart,
      business?.chats[0]?.createdAt,
      (await control.requests())[0]?.time,
    ];
    expect(instants.filter((text) => !iso.test(String(text)))).toEqual([]);
  });

  it("reports a refused setFixtures with the route said once", async () => {
    const { control } = await open();
    const refusal = await control
      .setFixtures({ tokens: [{ token: "t", scopes: ["communication"], businesses: [9] }], businesses: [{ id: 7, model: "FBS" }] })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MockControlError);
    expect((refusal as MockControlError).message).toBe(
      "PUT /__mock/fixtures: HTTP 400 INVALID_CONTROL_REQUEST: /tokens/0/businesses/0 names business 9, which is not in /businesses",
    );
    expect((refusal as MockControlError).detail).toBe("/tokens/0/businesses/0 names business 9, which is not in /businesses");
  });

  it("state() has exactly the fields MockStateSnapshot declares", async () => {
    const { client, control } = await open();
    await createChat(client, 1001, ORDER);
    const state = await control.state();
    // Keys listed by hand from the interface: a field the control API adds or drops fails here.
    const top: Array<keyof MockStateSnapshot> = ["now", "clockOffsetMs", "quota", "operations", "businesses", "faults", "parallel", "log"];
    expect(Object.keys(state).sort()).toEqual([...top].sort());
    const business = state.businesses.find((b) => b.businessId === 1001);
    expect(Object.keys(business ?? {}).sort()).toEqual(["businessId", "chats", "inFlight", "model", "quota", "quotas"]);
    expect(Object.keys(business?.quota ?? {}).sort()).toEqual(["remaining", "until", "used", "windowStart"]);
    const at = new Date(T0).toISOString();
    expect(business?.chats).toEqual([{ chatId: 1, context: { type: "ORDER", id: 11001 }, type: "CHAT", status: "NEW", createdAt: at, updatedAt: at, messages: 0 }]);
  });
});

describe("startMock", () => {
  it("listens on a free port of 127.0.0.1, a different one per mock, until stop()", async () => {
    const [a, b] = await Promise.all([startMock(), startMock()]);
    try {
      expect(a.port).toBeGreaterThan(0);
      expect(a.port).not.toBe(b.port);
      expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
      expect((await fetch(`${a.url}/__mock/state`)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await expect(fetch(`${a.url}/__mock/state`)).rejects.toThrow();
    await a.stop(); // twice is fine
  });

  it("sends the control token when the mock requires one", async () => {
    const mock = await startMock({ controlToken: "s3cret" });
    try {
      expect((await fetch(`${mock.url}/__mock/state`)).status).toBe(401);
      await expect(mock.control.reset()).resolves.toBeUndefined();
    } finally {
      await mock.stop();
    }
  });
});

describe("createMockControl without a mock", () => {
  it("rejects with MockUnreachableError naming the URL, the reason, and fetch's error as the cause", async () => {
    const port = await freePort(); // free a moment ago: nothing listens there
    const control = createMockControl({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await control.reset().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockUnreachableError);
    const unreachable = error as MockUnreachableError;
    expect(unreachable.url).toBe(`http://127.0.0.1:${port}/__mock/reset`);
    expect(unreachable.message).toBe(
      `POST http://127.0.0.1:${port}/__mock/reset: no mock answered (connect ECONNREFUSED 127.0.0.1:${port}); is one running at http://127.0.0.1:${port}?`,
    );
    expect(unreachable.cause).toBeInstanceOf(TypeError);
    expect((unreachable.cause as Error).message).toBe("fetch failed");
  });

  it("wraps what an injected fetch throws the same way", async () => {
    const cause = new Error("socket hang up");
    const control = createMockControl({ baseUrl: "http://mock.test:4010", fetch: () => Promise.reject(cause) });
    const error = await control.state().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "MockUnreachableError", url: "http://mock.test:4010/__mock/state", cause });
    expect((error as Error).message).toBe("GET http://mock.test:4010/__mock/state: no mock answered (socket hang up); is one running at http://mock.test:4010?");
  });
});

describe("createMockFetch", () => {
  it("answers without a socket: the base URL's host is never resolved", async () => {
    const fetch = createMockFetch();
    expect(new URL(fetch.baseUrl).hostname).toBe("createchat-mock.local");
    const response = await fetch(`${fetch.baseUrl}/v2/businesses/1001/chats/new`, {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify(ORDER),
    });
    expect(await response.json()).toEqual({ status: "OK", result: { chatId: 1 } });
  });

  it("gives each call its own mock: quota and chats are not shared", async () => {
    const first = createMockFetch({ quota: 1 });
    const second = createMockFetch({ quota: 1 });
    const clientOf = (fetch: typeof first) => createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
    expect((await createChat(clientOf(first), 1001, ORDER)).ok).toBe(true);
    expect((await createChat(clientOf(first), 1001, ORDER)).status).toBe(420);
    expect((await createChat(clientOf(second), 1001, ORDER)).ok).toBe(true);
    expect(await second.control.requests()).toHaveLength(1);
  });

  it("passes the control token in-process too", async () => {
    const fetch = createMockFetch({ controlToken: "s3cret" });
    expect((await fetch(`${fetch.baseUrl}/__mock/state`)).status).toBe(401);
    expect((await fetch.control.state()).quota.limit).toBe(1000);
  });
});
