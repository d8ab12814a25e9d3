/**
 * The control API is locked: bound to 0.0.0.0 without a control token, `/__mock/*` answers a
 * client connecting from a non-loopback address of this machine (the connection still goes to
 * 127.0.0.1, from that source address) with 403 and changes nothing; with a token, a missing or
 * wrong one gets 401. Control bodies are validated like API bodies: random ones get 400 (or, when
 * valid by chance, their normal answer), never a 5xx, and a refused one changes nothing.
 */
import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createMockApp, type MockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { T0 } from "./support/api.js";

const TOKEN = "ctl-lock-Vb7Kp2Qs";
/** A non-loopback IPv4 address of this machine, to use as the client's source address. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;

const running: RunningMock[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()));
});

/** One request to 127.0.0.1:port, from `localAddress` when given. */
function call(
  mock: RunningMock,
  method: string,
  path: string,
  options: { from?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json: { status?: string; errors?: Array<{ code: string }> } & Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const req = httpRequest(
      { host: "127.0.0.1", port: mock.port, method, path, headers, localAddress: options.from, timeout: 5_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as never }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const createChatBody = { context: { type: "ORDER", id: 11001 } };
const apiHeaders = { "Api-Key": "demo-all-methods" };

describe.skipIf(outsideAddress === undefined)(`--host 0.0.0.0, control API seen from ${outsideAddress ?? "(no non-loopback address)"}`, () => {
  it("without a control token: every /__mock path is 403 for that client and changes nothing; loopback still works", async () => {
    const mock = await startMockServer({ port: 0, host: "0.0.0.0" });
    running.push(mock);
    const from = outsideAddress as string;
    // The API itself answers any client.
    expect((await call(mock, "POST", "/v2/businesses/1001/chats/new", { from, headers: apiHeaders, body: createChatBody })).status).toBe(200);

    const attempts: Array<[string, string, unknown]> = [
      ["GET", "/__mock/state", undefined],
      ["GET", "/__mock/requests", undefined],
      ["POST", "/__mock/reset", {}],
      ["POST", "/__mock/faults", { status: 500 }],
      ["DELETE", "/__mock/faults", undefined],
      ["POST", "/__mock/clock", { advanceMs: 3_600_000 }],
      ["PUT", "/__mock/fixtures", { tokens: [], businesses: [] }],
      ["GET", "/__mock/no-such-thing", undefined],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(mock, method, path, { from, body });
      expect([method, path, answer.status, answer.json.errors?.[0]?.code]).toEqual([method, path, 403, "CONTROL_FORBIDDEN"]);
    }

    // Nothing changed: the chat is there, no fault, the clock did not move, the journal holds the one request.
    const state = await call(mock, "GET", "/__mock/state");
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ clockOffsetMs: 0, faults: [] });
    expect((state.json.businesses as Array<{ businessId: number; chats: unknown[] }>).find((b) => b.businessId === 1001)?.chats).toHaveLength(1);
    expect((await call(mock, "GET", "/__mock/requests")).json.total).toBe(1);
  });

  it("with a control token: missing or wrong token → 401 from anywhere; the right one → 200 from anywhere", async () => {
    const mock = await startMockServer({ port: 0, host: "0.0.0.0", controlToken: TOKEN });
    running.push(mock);
    for (const from of [outsideAddress, "127.0.0.1"]) {
      for (const authorization of [undefined, "Bearer wrong", `Bearer ${TOKEN}x`, TOKEN, `Basic ${TOKEN}`]) {
        const headers = authorization === undefined ? undefined : { Authorization: authorization };
        const answer = await call(mock, "POST", "/__mock/faults", { from, headers, body: { status: 500 } });
        expect([from, authorization, answer.status, answer.json.errors?.[0]?.code]).toEqual([from, authorization, 401, "CONTROL_UNAUTHORIZED"]);
      }
      const ok = await call(mock, "GET", "/__mock/faults", { from, headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(ok).toEqual({ status: 200, json: { faults: [] } });
    }
  });
});

/** Everything the control API can show, to compare before and after a refused request. */
async function everything(app: MockApp): Promise<string> {
  const parts = await Promise.all(["/__mock/state", "/__mock/requests", "/__mock/faults"].map(async (path) => (await app.request(path)).text()));
  return parts.join("\n");
}

const idLike = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constant(1001), fc.double(), fc.string({ maxLength: 5 }), fc.constant(2 ** 64));
const controlBodies: Record<string, { method: string; body: fc.Arbitrary<unknown> }> = {
  "/faults": {
    method: "POST",
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          status: fc.oneof(fc.constantFrom(200, 400, 420, 500, 503, 0), fc.string({ maxLength: 4 })),
          times: idLike,
          delayMs: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.double(), fc.constant(null)),
          match: fc.oneof(fc.record({ businessId: idLike, contextType: fc.constantFrom("ORDER", "order", "RETURN", 1) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
          __proto__: fc.jsonValue({ maxDepth: 1 }),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  "/clock": {
    method: "POST",
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record(
        { advanceMs: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double(), fc.constant(1e300), fc.string({ maxLength: 4 })), now: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant("2026-02-31T00:00:00Z"), fc.constant(-1)) },
        { requiredKeys: [] },
      ),
    ),
  },
  "/fixtures": {
    method: "PUT",
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          tokens: fc.array(fc.record({ token: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), scopes: fc.array(fc.constantFrom("communication", "x", 1), { maxLength: 2 }), businesses: fc.array(idLike, { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }),
          businesses: fc.array(fc.record({ id: idLike, model: fc.constantFrom("FBS", "XYZ", 1), orders: fc.array(idLike, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    ),
  },
};

describe("control bodies are validated like API bodies (property)", () => {
  it.each(Object.entries(controlBodies))("%s: 150 random bodies → 400 that changes nothing, or the normal answer; never a 5xx", async (path, { method, body }) => {
    const seen = new Set<number>();
    // One mock for all runs: each run compares the state just before and just after its own request.
    const app = createMockApp({ clock: createManualClock(T0) });
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("application/json", "text/plain"), async (value, contentType) => {
        await app.request("/v2/businesses/1001/chats/new", { method: "POST", headers: { ...apiHeaders, "Content-Type": "application/json" }, body: JSON.stringify(createChatBody) });
        const before = await everything(app);
        const res = await app.request(`/__mock${path}`, { method, headers: { "Content-Type": contentType }, body: JSON.stringify(value) });
        seen.add(res.status);
        const json = (await res.json()) as { status?: string; errors?: Array<{ code: string }> };
        // A body that is not declared JSON is refused before it is read (a web page's forgery is sent so).
        expect(contentType === "text/plain" ? [403] : [200, 201, 400]).toContain(res.status);
        if (res.status === 400 || res.status === 403) {
          const code = res.status === 400 ? "INVALID_CONTROL_REQUEST" : "CONTROL_NEEDS_JSON";
          expect(json).toMatchObject({ status: "ERROR", errors: [{ code, message: expect.any(String) }] });
          expect(await everything(app)).toBe(before);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 150 },
    );
    expect(seen.has(400)).toBe(true);
  });

  it("a full fault registry refuses one more rule with 400 and keeps the thousand it has", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const add = () => app.request("/__mock/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 500, match: { businessId: 2001 } }) });
    for (let i = 0; i < 1_000; i += 1) expect((await add()).status).toBe(201);
    const refused = await add();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      status: "ERROR",
      errors: [{ code: "INVALID_CONTROL_REQUEST", message: "at most 1000 faults can be active at once; clear some first (DELETE /__mock/faults)" }],
    });
    expect(((await (await app.request("/__mock/faults")).json()) as { faults: unknown[] }).faults).toHaveLength(1_000);
  });
});
