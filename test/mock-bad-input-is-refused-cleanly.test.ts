import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createMockState } from "../mock/state/memory-state.js";
import { compileValidator } from "../mock/contract/validators.js";
import { T0 } from "./support/api.js";

const validator = compileValidator(loadContract()).operation("createChat");
const ERROR_SHAPE = { status: "ERROR", errors: expect.arrayContaining([{ code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) }]) };

/** Bodies that are anything but a valid request: random JSON, random text, near misses. */
const badBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.record({
    context: fc.record({ type: fc.oneof(fc.constantFrom("ORDER", "RETURN"), fc.string()), id: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }),
    orderId: fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string()),
    extra: fc.anything(),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);

describe("bad input gets a spec-shaped 4xx and never a crash, a 5xx or a change of state", () => {
  it("random bodies and content types on a real business (property)", async () => {
    const state = createMockState({ clock: createManualClock(T0), quota: 1_000_000 });
    const app = createMockApp({ state });
    await fc.assert(
      fc.asyncProperty(
        badBody,
        fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", ""),
        async (body, contentType) => {
          const headers: Record<string, string> = { "Api-Key": "demo-all-methods" };
          if (contentType) headers["Content-Type"] = contentType;
          const res = await app.request("/v2/businesses/1001/chats/new", { method: "POST", headers, body });
          const json = (await res.json()) as unknown;
          expect(validator.response({ status: res.status, body: json, headers: res.headers })).toEqual([]);
          if (res.status === 200) return; // a random body can, rarely, be a valid request
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(json).toMatchObject(ERROR_SHAPE);
        },
      ),
      { numRuns: 400 },
    );
    // Only valid requests create chats, and only for contexts the business has.
    for (const chat of state.chats.list()) {
      expect(chat.businessId).toBe(1001);
      expect(state.fixtures().hasOrder(1001, chat.context.id ?? 0) || state.fixtures().hasReturn(1001, chat.context.id ?? 0)).toBe(true);
    }
  });

  it("random path segments, methods and credentials (property)", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const app = createMockApp({ state });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 30 }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String)),
        fc.constantFrom("POST", "GET", "PUT", "DELETE", "PATCH"),
        fc.option(fc.string({ maxLength: 40 }).filter((s) => /^[\x21-\x7e]*$/.test(s))),
        async (segment, method, token) => {
          const headers: Record<string, string> = { "Content-Type": "application/json" };
          if (token !== null) headers["Api-Key"] = token;
          const res = await app.request(`/v2/businesses/${encodeURIComponent(segment)}/chats/new`, {
            method,
            headers,
            body: method === "GET" ? undefined : JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
          });
          expect(res.status).toBeLessThan(500);
          expect(await res.json()).toMatchObject(ERROR_SHAPE);
        },
      ),
      { numRuns: 300 },
    );
    expect(state.chats.list()).toEqual([]);
    expect(state.quota("createChat").snapshot()).toEqual([]);
  });
});
