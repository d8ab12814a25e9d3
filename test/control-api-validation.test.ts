import { describe, expect, it } from "vitest";
import { createMockApp, type MockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createControlApi } from "../mock/control/control-api.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createMockState, type MockState } from "../mock/state/memory-state.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const JSON_TYPE = { "Content-Type": "application/json" };

/** A mock with some of everything in its state, so a change by a bad request would show. */
async function busyMock(): Promise<MockApp> {
  const app = createMockApp({ clock: createManualClock(T0), quota: 5 });
  await app.request("/v2/businesses/1001/chats/new", {
    method: "POST",
    headers: { ...JSON_TYPE, "Api-Key": "demo-all-methods" },
    body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
  });
  await app.request("/__mock/faults", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ status: 500, match: { businessId: 1004 } }) });
  await app.request("/__mock/clock", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ advanceMs: 1000 }) });
  return app;
}

/** Everything the control API can show, as one string to compare before and after. */
async function everything(app: MockApp): Promise<string> {
  const parts = await Promise.all(["/__mock/state", "/__mock/requests", "/__mock/faults"].map(async (path) => (await app.request(path)).text()));
  return parts.join("\n");
}

const json = (body: unknown): RequestInit => ({ headers: JSON_TYPE, body: JSON.stringify(body) });

// The parser's own words differ between Node versions; the prefix is ours.
const NOT_JSON = expect.stringMatching(/^request body is not valid JSON: \S/);

/** [what, method, path, request, the one error message] */
const badRequests: Array<[string, string, string, RequestInit, unknown]> = [
  // POST /__mock/clock
  ["a negative advanceMs", "POST", "/clock", json({ advanceMs: -1 }), "/advanceMs must be >= 0"],
  ["a fractional advanceMs", "POST", "/clock", json({ advanceMs: 1.5 }), "/advanceMs must be an integer"],
  ["advanceMs as a string", "POST", "/clock", json({ advanceMs: "1h" }), "/advanceMs must be an integer"],
  ["both advanceMs and now", "POST", "/clock", json({ advanceMs: 1, now: T0 }), "(root) must have only one of /advanceMs or /now, not both"],
  ["neither advanceMs nor now", "POST", "/clock", json({}), "(root) must have one of /advanceMs (ms to move forward) or /now (the instant to jump to)"],
  ["an unknown key", "POST", "/clock", json({ advanceMS: 1 }), "/advanceMS is not allowed; allowed: advanceMs, now"],
  ["now without a zone", "POST", "/clock", json({ now: "2026-11-25T12:00:00" }), "/now must be an RFC 3339 date-time with a zone, such as 2026-11-25T12:00:00Z (or epoch milliseconds)"],
  ["now as a boolean", "POST", "/clock", json({ now: true }), "/now must be a string or an integer"],
  ["a negative epoch now", "POST", "/clock", json({ now: -1 }), "/now must be >= 0"],
  ["a body that is an array", "POST", "/clock", json([{ advanceMs: 1 }]), "(root) must be an object"],
  ["a body that is not JSON", "POST", "/clock", { headers: JSON_TYPE, body: "{advanceMs: 1}" }, NOT_JSON],
  ["an empty body", "POST", "/clock", { headers: JSON_TYPE }, "request body is not valid JSON: the body is empty"],
  ["a body past 16 KiB", "POST", "/clock", { headers: JSON_TYPE, body: `{"advanceMs":1${" ".repeat(16 * 1024)}}` }, "request body is larger than 16384 bytes"],
  // POST /__mock/faults
  ["no status", "POST", "/faults", json({ times: 1 }), "/status is required"],
  ["a success status", "POST", "/faults", json({ status: 200 }), "/status must be one of 400, 401, 403, 404, 420, 500"],
  ["a status the contract does not declare", "POST", "/faults", json({ status: 503 }), "/status must be one of 400, 401, 403, 404, 420, 500"],
  ["status as a string", "POST", "/faults", json({ status: "500" }), "/status must be one of 400, 401, 403, 404, 420, 500"],
  ["times 0", "POST", "/faults", json({ status: 500, times: 0 }), "/times must be >= 1"],
  ["fractional times", "POST", "/faults", json({ status: 500, times: 1.5 }), "/times must be an integer"],
  ["delayMs past a minute", "POST", "/faults", json({ status: 500, delayMs: 60_001 }), "/delayMs must be <= 60000"],
  ["a negative delayMs", "POST", "/faults", json({ status: 500, delayMs: -1 }), "/delayMs must be >= 0"],
  ["businessId 0", "POST", "/faults", json({ status: 500, match: { businessId: 0 } }), "/match/businessId must be >= 1"],
  ["a lower-case contextType", "POST", "/faults", json({ status: 500, match: { contextType: "order" } }), "/match/contextType must be one of ORDER, RETURN"],
  ["an unknown match key", "POST", "/faults", json({ status: 500, match: { orderId: 1 } }), "/match/orderId is not allowed; allowed: businessId, operationId, contextType"],
  ["an unknown top-level key", "POST", "/faults", json({ status: 500, code: "X" }), "/code is not allowed; allowed: status, times, match, delayMs, kind"],
  // POST /__mock/reset
  ["a reset body with a field", "POST", "/reset", json({ hard: true }), "/hard is not allowed: this request takes no fields"],
  ["a reset body that is not JSON", "POST", "/reset", { headers: JSON_TYPE, body: "please" }, NOT_JSON],
  ["a reset body that is not UTF-8", "POST", "/reset", { headers: JSON_TYPE, body: new Uint8Array([0xff, 0xfe]) }, "request body is not valid JSON: it is not UTF-8 text"],
  // GET /__mock/requests
  ["businessId=abc", "GET", "/requests?businessId=abc", {}, "query parameter businessId must be an integer"],
  ["businessId=0", "GET", "/requests?businessId=0", {}, "query parameter businessId must be >= 1"],
  ["status=99", "GET", "/requests?status=99", {}, "query parameter status must be >= 100"],
  ["limit=-1", "GET", "/requests?limit=-1", {}, "query parameter limit must be >= 0"],
  ["limit=1.5", "GET", "/requests?limit=1.5", {}, "query parameter limit must be an integer"],
  ["an empty limit", "GET", "/requests?limit=", {}, "query parameter limit must be an integer"],
  ["limit given twice", "GET", "/requests?limit=1&limit=2", {}, "query parameter limit is given 2 times; give it once"],
  ["limit past the largest page", "GET", "/requests?limit=1001", {}, "query parameter limit must be <= 1000"],
  ["before=0", "GET", "/requests?before=0", {}, "query parameter before must be >= 1"],
  ["an unknown parameter", "GET", "/requests?business=1001", {}, "query parameter business is not allowed; allowed: businessId, status, limit, before"],
  ["__proto__ as a parameter", "GET", "/requests?__proto__=1", {}, "query parameter __proto__ is not allowed; allowed: businessId, status, limit, before"],
  ["constructor as a parameter", "GET", "/requests?constructor=1", {}, "query parameter constructor is not allowed; allowed: businessId, status, limit, before"],
  // PUT /__mock/fixtures
  ["fixtures that are not JSON", "PUT", "/fixtures", { headers: JSON_TYPE, body: "tokens: []" }, NOT_JSON],
  ["fixtures without businesses", "PUT", "/fixtures", json({ tokens: [{ token: "t", scopes: [], businesses: [] }] }), "PUT /__mock/fixtures: /businesses is required"],
];

/** [what, method, path, request, the content type quoted]: state-changing calls that are not JSON, refused before anything is read. */
const notJson: Array<[string, string, string, RequestInit, string]> = [
  ["a text/plain body", "POST", "/clock", { headers: { "Content-Type": "text/plain" }, body: '{"advanceMs":1}' }, '"text/plain"'],
  ["no content type", "POST", "/clock", { body: new Blob(['{"advanceMs":1}']) }, "none"],
  ["fixtures as YAML", "PUT", "/fixtures", { headers: { "Content-Type": "application/yaml" }, body: "tokens: []" }, '"application/yaml"'],
];

describe("bad control input", () => {
  it.each(notJson)("refuses %s with 403 CONTROL_NEEDS_JSON, changing nothing", async (_, method, path, init, got) => {
    const app = await busyMock();
    const before = await everything(app);
    const res = await app.request(`/__mock${path}`, { method, ...init });
    expect(res.status).toBe(403);
    const message = `${method} /__mock${path} changes the mock's state, so it needs Content-Type: application/json (got ${got}), which a web page cannot send without the mock's consent`;
    expect(await res.json()).toEqual({ status: "ERROR", errors: [{ code: "CONTROL_NEEDS_JSON", message }] });
    expect(await everything(app)).toBe(before);
  });
  it.each(badRequests)("refuses %s with 400 naming the field", async (_, method, path, init, message) => {
    const app = await busyMock();
    const before = await everything(app);
    const res = await app.request(`/__mock${path}`, { method, ...init });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: "ERROR", errors: [{ code: "INVALID_CONTROL_REQUEST", message }] });
    expect(await everything(app)).toBe(before);
  });

  it("refuses a clock move past what HTTP dates can carry", async () => {
    const app = await busyMock();
    const before = await everything(app);
    for (const body of [{ now: "9999-12-31T23:00:00Z" }, { advanceMs: Number.MAX_SAFE_INTEGER }, { now: Number.MAX_SAFE_INTEGER }]) {
      const res = await app.request("/__mock/clock", { method: "POST", ...json(body) });
      expect(res.status).toBe(400);
      const { errors } = (await res.json()) as { errors: Array<{ message: string }> };
      expect(errors[0]?.message).toMatch(/^\/(now|advanceMs) would put the clock at .* it must stay between 1970-01-01T00:00:00.000Z and 9999-12-31T22:59:59.000Z/);
    }
    expect(await everything(app)).toBe(before);
  });

  it("refuses a leap second, which the format allows but Date cannot hold, and 31 February", async () => {
    const app = await busyMock();
    const before = await everything(app);
    const messageFor = async (now: string) => {
      const res = await app.request("/__mock/clock", { method: "POST", ...json({ now }) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { errors: Array<{ message: string }> }).errors[0]?.message;
    };
    expect(await messageFor("2016-12-31T23:59:60Z")).toBe('/now is not an instant this clock can hold: "2016-12-31T23:59:60Z"');
    expect(await messageFor("2026-02-31T12:00:00Z")).toMatch(/^\/now must be an RFC 3339 date-time/);
    expect(await everything(app)).toBe(before);
  });
});

describe("control routing", () => {
  it.each(["/", "/nope", "/state/", "/faults/1"])("answers an unknown control path %s with 404", async (path) => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const res = await app.request(`/__mock${path}`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { status: string; errors: Array<{ code: string }> };
    expect(body).toMatchObject({ status: "ERROR", errors: [{ code: "CONTROL_NOT_FOUND" }] });
  });

  it.each([
    ["GET", "/reset", "POST"],
    ["PUT", "/state", "GET, HEAD"],
    ["GET", "/clock", "POST"],
    ["DELETE", "/requests", "GET, HEAD"],
    ["PUT", "/faults", "GET, HEAD, POST, DELETE"],
    ["POST", "/fixtures", "PUT"],
    ["OPTIONS", "/state", "GET, HEAD"],
  ])("answers %s %s with 405 and Allow: %s", async (method, path, allow) => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const res = await app.request(`/__mock${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe(allow);
    expect(await res.json()).toMatchObject({ status: "ERROR", errors: [{ code: "METHOD_NOT_ALLOWED" }] });
  });

  it("answers a failure inside the control API with 500 in the error shape", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const broken: MockState = { ...state, fixtures: () => { throw new Error("fixtures unavailable"); } };
    const api = createControlApi({ state: broken, contract: loadContract(), remoteAddress: () => undefined });
    const res = await api.request("/state");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      status: "ERROR",
      errors: [{ code: "CONTROL_INTERNAL_ERROR", message: "Internal error of the control API: fixtures unavailable" }],
    });
  });
});
