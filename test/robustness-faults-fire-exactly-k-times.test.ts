/**
 * Fault injection does what the README says: a fault of status N for k matching requests answers
 * exactly k of them with N (in the contract's shape), then stops; `delayMs` delays that answer by
 * that long; requests of other businesses or other context types never see it.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { compileValidator } from "../mock/contract/validators.js";
import { createChatRequest, T0 } from "./support/api.js";

const validator = compileValidator(loadContract()).operation("createChat");
const FIRST_ORDER: Record<number, number> = { 1001: 11001, 1002: 21001, 1003: 31001, 1004: 41001 };
const FIRST_RETURN: Record<number, number> = { 1001: 12001, 1003: 32001, 1004: 42001 };

describe("a fault for k matching requests (property, in-process)", () => {
  it("answers exactly the first k matching requests with its status, then none; others never", async () => {
    // One mock, reset before each run (building one compiles the contract's validators).
    const app = createMockApp({ clock: createManualClock(T0) });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(400, 401, 403, 404, 420, 500),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(1001, 1003, 1004),
        fc.option(fc.constantFrom<"ORDER" | "RETURN">("ORDER", "RETURN"), { nil: undefined }),
        fc.array(fc.record({ businessId: fc.constantFrom(1001, 1002, 1003, 1004), type: fc.constantFrom<"ORDER" | "RETURN">("ORDER", "RETURN") }), { minLength: 1, maxLength: 30 }),
        async (status, times, businessId, contextType, calls) => {
          expect((await app.request("/__mock/reset", { method: "POST", headers: { "Content-Type": "application/json" } })).status).toBe(200);
          const match = contextType === undefined ? { businessId } : { businessId, contextType };
          const added = await app.request("/__mock/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status, times, match }) });
          expect(added.status).toBe(201);
          const faultId = ((await added.json()) as { id: number }).id;

          let fired = 0;
          for (const call of calls) {
            // 1002 is DBS: no RETURN chats there, so it is asked about orders only.
            const type = call.businessId === 1002 ? "ORDER" : call.type;
            const id = type === "ORDER" ? FIRST_ORDER[call.businessId] : FIRST_RETURN[call.businessId];
            const res = await createChatRequest(app, call.businessId, { context: { type, id } });
            const body = (await res.json()) as { errors?: Array<{ message: string }> };
            const matching = call.businessId === businessId && (contextType === undefined || contextType === type);
            if (matching && fired < times) {
              fired += 1;
              expect(res.status).toBe(status);
              // A 420 fault imitates a spent hourly quota (its own words and headers); others name the rule.
              if (status === 420) expect(body.errors?.[0]?.message).toMatch(/^Hit rate limit of \d+ requests per 1h for businessId /);
              else expect(body.errors?.[0]?.message).toBe(`Injected fault #${faultId}: the mock was told to answer ${status} (POST /__mock/faults)`);
              expect(validator.response({ status: res.status, body, headers: res.headers })).toEqual([]);
            } else {
              expect([call.businessId, type, res.status]).toEqual([call.businessId, type, 200]);
            }
          }
          const left = ((await (await app.request("/__mock/faults")).json()) as { faults: Array<{ remaining: number }> }).faults;
          expect(left).toEqual(fired < times ? [expect.objectContaining({ remaining: times - fired, hits: fired })] : []);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("faults over a real socket", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${mock.url}/__mock${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const timedChat = async (businessId: number, id: number) => {
    const started = performance.now();
    const res = await fetch(`${mock.url}/v2/businesses/${businessId}/chats/new`, {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id } }),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  it("delayMs 400 delays exactly the faulted answers by at least 400 ms; the rest are not delayed", async () => {
    expect((await control("POST", "/faults", { status: 500, times: 2, delayMs: 400, match: { businessId: 1004 } })).status).toBe(201);
    // Concurrently: the two faulted requests of 1004 and two of 1001 that must not wait for them.
    const [a, b, other1, other2] = await Promise.all([timedChat(1004, 41001), timedChat(1004, 41002), timedChat(1001, 11001), timedChat(1001, 11002)]);
    for (const faulted of [a, b]) {
      expect(faulted.status).toBe(500);
      expect(faulted.ms).toBeGreaterThanOrEqual(395);
    }
    for (const other of [other1, other2]) {
      expect(other.status).toBe(200);
      expect(other.ms).toBeLessThan(395);
    }
    const after = await timedChat(1004, 41003);
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(395);
    expect(await (await control("GET", "/faults")).json()).toEqual({ faults: [] });
  });
});
