import { describe, expect, it, vi } from "vitest";
import { createMockApp, type MockApp, type MockOptions } from "../mock/app.js";
import { createManualClock, toHttpDate } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const HOUR = 3_600_000;
const API_KEY = "demo-all-methods";

function mock(options: MockOptions = {}): MockApp {
  return createMockApp({ clock: createManualClock(T0), ...options });
}

async function createChat(
  app: MockApp,
  businessId = 1001,
  context: { type: "ORDER" | "RETURN"; id: number } = { type: "ORDER", id: 11001 },
  headers: Record<string, string> = { "Api-Key": API_KEY },
): Promise<Response> {
  return app.request(`/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ context }),
  });
}

async function control(app: MockApp, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await app.request(`/__mock${path}`, {
    method,
    headers: method === "GET" ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function chatId(res: Response): Promise<number> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { chatId: number } };
  return body.result.chatId;
}

describe("POST /__mock/clock", () => {
  it("rolls an exhausted quota window over without waiting", async () => {
    const app = mock({ quota: 3 });
    for (let i = 0; i < 3; i++) expect((await createChat(app)).status).toBe(200);
    const refused = await createChat(app);
    expect(refused.status).toBe(420);
    expect(refused.headers.get("X-RateLimit-Resource-Remaining")).toBe("0");

    const moved = await control(app, "POST", "/clock", { advanceMs: HOUR });
    expect(moved).toEqual({ status: 200, json: { now: new Date(T0 + HOUR).toISOString(), clockOffsetMs: HOUR } });

    const again = await createChat(app);
    expect(again.status).toBe(200);
    expect(again.headers.get("X-RateLimit-Resource-Remaining")).toBe("2");
    expect(again.headers.get("X-RateLimit-Resource-Until")).toBe(toHttpDate(T0 + 2 * HOUR));
  });

  it("does not roll the window a millisecond early", async () => {
    const app = mock({ quota: 1 });
    expect((await createChat(app)).status).toBe(200);
    await control(app, "POST", "/clock", { advanceMs: HOUR - 1 });
    expect((await createChat(app)).status).toBe(420);
    await control(app, "POST", "/clock", { advanceMs: 1 });
    expect((await createChat(app)).status).toBe(200);
  });

  it("jumps to an ISO instant or to epoch milliseconds, also into the past", async () => {
    const app = mock();
    expect(await control(app, "POST", "/clock", { now: "2026-11-25T15:30:00+03:00" })).toEqual({
      status: 200,
      json: { now: "2026-11-25T12:30:00.000Z", clockOffsetMs: 30 * 60_000 },
    });
    expect(await control(app, "POST", "/clock", { now: T0 - 1000 })).toEqual({
      status: 200,
      json: { now: new Date(T0 - 1000).toISOString(), clockOffsetMs: -1000 },
    });
    // The chat's createdAt comes from the moved clock.
    await createChat(app);
    const state = await control(app, "GET", "/state");
    expect(state.json.businesses[0].chats[0].createdAt).toBe(new Date(T0 - 1000).toISOString());
  });
});

describe("POST /__mock/reset", () => {
  it("forgets chats, quota, faults, journal and clock offset", async () => {
    const app = mock({ quota: 2 });
    expect(await chatId(await createChat(app, 1001, { type: "ORDER", id: 11001 }))).toBe(1);
    expect(await chatId(await createChat(app, 1001, { type: "ORDER", id: 11002 }))).toBe(2);
    expect((await createChat(app)).status).toBe(420);
    await control(app, "POST", "/faults", { status: 500, match: { businessId: 1002 } });
    await control(app, "POST", "/clock", { advanceMs: 5000 });

    expect(await control(app, "POST", "/reset")).toEqual({ status: 200, json: { reset: true } });

    const state = await control(app, "GET", "/state");
    expect(state.json.clockOffsetMs).toBe(0);
    expect(state.json.now).toBe(new Date(T0).toISOString());
    expect(state.json.faults).toEqual([]);
    expect(state.json.businesses[0].chats).toEqual([]);
    expect(state.json.businesses[0].quota).toEqual({ used: 0, remaining: 2, until: null, windowStart: null });
    expect((await control(app, "GET", "/requests")).json.total).toBe(0);
    // chatId numbering starts over: order 11002 had chat 2 before the reset.
    expect(await chatId(await createChat(app, 1001, { type: "ORDER", id: 11002 }))).toBe(1);
    expect(await chatId(await createChat(app, 1002, { type: "ORDER", id: 21001 }))).toBe(2);
  });

  it("accepts an empty JSON object as its body", async () => {
    const app = mock();
    await createChat(app);
    expect(await control(app, "POST", "/reset", {})).toEqual({ status: 200, json: { reset: true } });
    expect((await control(app, "GET", "/state")).json.businesses[0].chats).toEqual([]);
  });

  it("puts the starting fixtures back after PUT /__mock/fixtures", async () => {
    const app = mock();
    await control(app, "PUT", "/fixtures", {
      tokens: [{ token: "t-new", scopes: ["all-methods"], businesses: [7001] }],
      businesses: [{ id: 7001, model: "FBS", orders: [1] }],
    });
    expect((await createChat(app)).status).toBe(403); // the demo token is not in the new data
    await control(app, "POST", "/reset");
    expect((await createChat(app)).status).toBe(200);
  });
});

describe("GET /__mock/state", () => {
  it("lists every fixture business, active or not, with its quota window and chats", async () => {
    const app = mock({ quota: 10 });
    await createChat(app, 1001, { type: "ORDER", id: 11001 });
    await createChat(app, 1001, { type: "RETURN", id: 12001 });
    const { status, json } = await control(app, "GET", "/state");
    expect(status).toBe(200);
    expect(json.now).toBe(new Date(T0).toISOString());
    expect(json.clockOffsetMs).toBe(0);
    expect(json.quota).toEqual({ limit: 10, windowMs: HOUR });
    expect(json.parallel).toEqual({ limit: null });
    expect(json.faults).toEqual([]);
    expect(json.businesses.map((b: { businessId: number; model: string }) => [b.businessId, b.model])).toEqual([
      [1001, "FBS"],
      [1002, "DBS"],
      [1003, "FBY"],
      [1004, "EXPRESS"],
      [2001, "FBS"],
    ]);
    const window = { used: 2, remaining: 8, until: new Date(T0 + HOUR).toISOString(), windowStart: new Date(T0).toISOString() };
    // `quota` applies to every operation; each keeps its own window.
    const operationIds = app.contract.operations.map((op) => op.operationId);
    expect(json.operations).toEqual(Object.fromEntries(operationIds.map((id) => [id, { limit: 10, windowMs: HOUR }])));
    const untouched = { used: 0, remaining: 10, until: null, windowStart: null };
    const at = new Date(T0).toISOString();
    const chat = { type: "CHAT", status: "NEW", createdAt: at, updatedAt: at, messages: 0 };
    expect(json.businesses[0]).toEqual({
      businessId: 1001,
      model: "FBS",
      quota: window,
      quotas: Object.fromEntries(operationIds.map((id) => [id, id === "createChat" ? window : untouched])),
      inFlight: 0,
      chats: [
        { chatId: 1, context: { type: "ORDER", id: 11001 }, ...chat },
        { chatId: 2, context: { type: "RETURN", id: 12001 }, ...chat },
      ],
    });
    expect(json.businesses[1].quota).toEqual({ used: 0, remaining: 10, until: null, windowStart: null });
  });

  it("shows the parallel limit when one is set", async () => {
    const app = mock({ parallelLimit: 4 });
    expect((await control(app, "GET", "/state")).json.parallel).toEqual({ limit: 4 });
  });

  it("is neither counted in the quota nor journaled", async () => {
    const app = mock({ quota: 5 });
    await createChat(app);
    for (let i = 0; i < 3; i++) await control(app, "GET", "/state");
    await control(app, "GET", "/faults");
    const state = await control(app, "GET", "/state");
    expect(state.json.businesses[0].quota.used).toBe(1);
    const journal = await control(app, "GET", "/requests");
    expect(journal.json.requests.map((r: { path: string }) => r.path)).toEqual(["/v2/businesses/1001/chats/new"]);
  });
});

describe("/__mock/faults", () => {
  it("makes exactly the next two matching requests 500, still counted and with rate-limit headers", async () => {
    const app = mock();
    const added = await control(app, "POST", "/faults", { status: 500, times: 2, match: { businessId: 1001 } });
    expect(added).toEqual({
      status: 201,
      json: { id: 1, status: 500, remaining: 2, hits: 0, match: { businessId: 1001 }, delayMs: 0 },
    });

    expect((await createChat(app, 1002, { type: "ORDER", id: 21001 })).status).toBe(200);
    for (const remaining of ["999", "998"]) {
      const res = await createChat(app);
      expect(res.status).toBe(500);
      expect(res.headers.get("X-RateLimit-Resource-Limit")).toBe("1000");
      expect(res.headers.get("X-RateLimit-Resource-Remaining")).toBe(remaining);
      expect(res.headers.get("X-RateLimit-Resource-Until")).toBe(toHttpDate(T0 + HOUR));
      const body = (await res.json()) as { status: string; errors: Array<{ code: string; message: string }> };
      expect(body.status).toBe("ERROR");
      expect(body.errors[0]?.message).toContain("#1");
    }
    const third = await createChat(app);
    expect(third.status).toBe(200);
    expect(third.headers.get("X-RateLimit-Resource-Remaining")).toBe("997");
    expect((await control(app, "GET", "/faults")).json).toEqual({ faults: [] });
  });

  it("matches on the context type", async () => {
    const app = mock();
    await control(app, "POST", "/faults", { status: 404, match: { contextType: "RETURN" } });
    expect((await createChat(app, 1001, { type: "ORDER", id: 11001 })).status).toBe(200);
    expect((await createChat(app, 1001, { type: "RETURN", id: 12001 })).status).toBe(404);
    expect((await createChat(app, 1001, { type: "RETURN", id: 12001 })).status).toBe(404);
  });

  it("lists the active faults and clears them", async () => {
    const app = mock();
    await control(app, "POST", "/faults", { status: 403 });
    await control(app, "POST", "/faults", { status: 420, times: 3, delayMs: 10, match: { businessId: 1002, contextType: "ORDER" } });
    const listed = await control(app, "GET", "/faults");
    expect(listed.json.faults).toEqual([
      { id: 1, status: 403, remaining: null, hits: 0, match: {}, delayMs: 0 },
      { id: 2, status: 420, remaining: 3, hits: 0, match: { businessId: 1002, contextType: "ORDER" }, delayMs: 10, kind: "hourly" },
    ]);
    expect(await control(app, "DELETE", "/faults")).toEqual({ status: 200, json: { cleared: 2 } });
    expect((await createChat(app)).status).toBe(200);
    expect(await control(app, "DELETE", "/faults")).toEqual({ status: 200, json: { cleared: 0 } });
  });

  it("waits delayMs through the injected sleep before answering", async () => {
    const sleep = vi.fn(async (_ms: number) => {});
    const app = mock({ sleep });
    expect((await createChat(app)).status).toBe(200);
    expect(sleep).not.toHaveBeenCalled();
    await control(app, "POST", "/faults", { status: 500, times: 1, delayMs: 1500 });
    expect((await createChat(app)).status).toBe(500);
    expect(sleep.mock.calls).toEqual([[1500]]);
  });
});

describe("GET /__mock/requests", () => {
  async function appWithTraffic(): Promise<MockApp> {
    const app = mock({ journalCapacity: 50 });
    await createChat(app, 1001, { type: "ORDER", id: 11001 });
    await createChat(app, 1002, { type: "ORDER", id: 21001 });
    await createChat(app, 1001, { type: "ORDER", id: 99999 }); // 404: no such order
    await createChat(app, 1001, { type: "ORDER", id: 11002 }, { Authorization: "Bearer demo-oauth" });
    return app;
  }

  it("lists API requests oldest first with total and capacity", async () => {
    const { status, json } = await control(await appWithTraffic(), "GET", "/requests");
    expect(status).toBe(200);
    expect(json.total).toBe(4);
    expect(json.capacity).toBe(50);
    expect(json.requests.map((r: { id: number; businessId: number; status: number }) => [r.id, r.businessId, r.status])).toEqual([
      [1, 1001, 200],
      [2, 1002, 200],
      [3, 1001, 404],
      [4, 1001, 200],
    ]);
  });

  it("filters by businessId and status, and limit keeps the newest", async () => {
    const app = await appWithTraffic();
    const ids = async (query: string) => {
      const { status, json } = await control(app, "GET", `/requests?${query}`);
      expect(status).toBe(200);
      return { ids: json.requests.map((r: { id: number }) => r.id), total: json.total };
    };
    expect(await ids("businessId=1001")).toEqual({ ids: [1, 3, 4], total: 3 });
    expect(await ids("status=404")).toEqual({ ids: [3], total: 1 });
    expect(await ids("businessId=1001&status=200")).toEqual({ ids: [1, 4], total: 2 });
    expect(await ids("limit=2")).toEqual({ ids: [3, 4], total: 4 });
    expect(await ids("businessId=1001&limit=1")).toEqual({ ids: [4], total: 3 });
    expect(await ids("limit=0")).toEqual({ ids: [], total: 4 });
  });

  it("never shows the credentials", async () => {
    const app = await appWithTraffic();
    const text = JSON.stringify((await control(app, "GET", "/requests")).json);
    expect(text).toContain("[REDACTED]");
    expect(text).not.toContain("demo-all-methods");
    expect(text).not.toContain("demo-oauth");
  });
});

describe("PUT /__mock/fixtures", () => {
  const replacement = {
    tokens: [{ token: "t-new", scopes: ["all-methods"], businesses: [7001] }],
    businesses: [{ id: 7001, model: "FBY", orders: [1, 2], returns: [3] }],
  };

  it("puts new data in force: the new business works, the old one is gone", async () => {
    const app = mock();
    await createChat(app);
    expect(await control(app, "PUT", "/fixtures", replacement)).toEqual({ status: 200, json: { businesses: 1, tokens: 1 } });
    expect(await chatId(await createChat(app, 7001, { type: "ORDER", id: 1 }, { "Api-Key": "t-new" }))).toBe(1);
    expect((await createChat(app, 1001, { type: "ORDER", id: 11001 }, { "Api-Key": "t-new" })).status).toBe(404);
    expect((await createChat(app)).status).toBe(403); // the demo token is gone too
    const state = await control(app, "GET", "/state");
    expect(state.json.businesses).toEqual([
      expect.objectContaining({ businessId: 7001, model: "FBY", chats: [expect.objectContaining({ chatId: 1 })] }),
    ]);
  });

  it("refuses a bad document with the pointer and keeps the data in force", async () => {
    const app = mock();
    await createChat(app);
    const bad = { ...replacement, businesses: [{ id: 7001, model: "XYZ" }] };
    const { status, json } = await control(app, "PUT", "/fixtures", bad);
    expect(status).toBe(400);
    expect(json).toEqual({
      status: "ERROR",
      errors: [{ code: "INVALID_CONTROL_REQUEST", message: "PUT /__mock/fixtures: /businesses/0/model must be one of FBS, FBY, DBS, EXPRESS" }],
    });
    const dangling = { ...replacement, tokens: [{ token: "t-new", scopes: ["all-methods"], businesses: [7001, 7002] }] };
    expect((await control(app, "PUT", "/fixtures", dangling)).json.errors[0].message).toContain("/tokens/0/businesses/1");

    const state = await control(app, "GET", "/state");
    expect(state.json.businesses).toHaveLength(5);
    expect(state.json.businesses[0].chats).toHaveLength(1);
    expect(await chatId(await createChat(app, 1001, { type: "ORDER", id: 11002 }))).toBe(2);
  });
});
