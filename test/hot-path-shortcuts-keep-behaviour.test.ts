/**
 * The hot path takes shortcuts (raw header lists instead of Fetch Headers, plain response header
 * objects, isUtf8 instead of a fatal TextDecoder); each must give what the long way gave.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { redactHeaders, redactHeaderList } from "../mock/state/journal.js";
import { createLogger } from "../mock/log/log.js";
import { createMockState } from "../mock/state/memory-state.js";
import { T0 } from "./support/api.js";

const PATH = "/v2/businesses/1001/chats/new";
const AUTH = { "Api-Key": "demo-all-methods" };

describe("redactHeaderList", () => {
  const name = fc.constantFrom("Api-Key", "Authorization", "Cookie", "Set-Cookie", "Accept", "X-Trace", "x-trace", "Content-Type", "Proxy-Authorization");
  const value = fc.stringMatching(/^[ \t]?[!-~]([ !-~]{0,20}[!-~])?[ \t]?$/);

  it("gives what redactHeaders gives for a Headers object of the same list", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (pairs) => {
        const raw = pairs.flat();
        const viaHeaders = redactHeaders(new Headers(pairs));
        const viaRaw = redactHeaderList(raw);
        expect(viaRaw).toEqual(viaHeaders);
        expect(Object.keys(viaRaw)).toEqual(Object.keys(viaHeaders));
      }),
      { numRuns: 300 },
    );
  });

  it("leaves out HTTP/2 pseudo-headers", () => {
    expect(redactHeaderList([":path", "/x", "Api-Key", "secret"])).toEqual({ "api-key": "[REDACTED]" });
  });
});

describe("the mock's answers built without Hono's Headers", () => {
  const app = () => createMockApp({ state: createMockState({ clock: createManualClock(T0) }) });

  it("journals the answer's headers in lower case, rate-limit headers included once counted", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const mock = createMockApp({ state });
    const res = await mock.request(PATH, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    expect(res.status).toBe(200);
    const [entry] = state.journal.list();
    expect(entry?.response.headers).toEqual({
      "content-type": "application/json",
      "x-ratelimit-resource-limit": "1000",
      "x-ratelimit-resource-remaining": "999",
      "x-ratelimit-resource-until": res.headers.get("X-RateLimit-Resource-Until"),
    });
    expect(res.headers.get("Content-Type")).toBe("application/json");
  });

  it("answers a wrong method with Allow: POST and no rate-limit headers", async () => {
    const res = await app().request(PATH, { method: "GET", headers: AUTH });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(res.headers.get("X-RateLimit-Resource-Limit")).toBeNull();
  });

  it("reads a body that starts with a UTF-8 byte order mark, as TextDecoder did", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ context: { type: "ORDER", id: 11001 } }));
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...json]);
    const res = await app().request(PATH, { method: "POST", headers: { ...AUTH, "Content-Type": "application/json" }, body });
    expect(res.status).toBe(200);
  });

  it("still refuses a body that is not UTF-8", async () => {
    const body = new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]);
    const res = await app().request(PATH, { method: "POST", headers: { ...AUTH, "Content-Type": "application/json" }, body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("it is not UTF-8 text");
  });
});

describe("logging", () => {
  it("still gives a json logger one record per request", async () => {
    const lines: string[] = [];
    const mock = createMockApp({ state: createMockState({ clock: createManualClock(T0) }), logger: createLogger("json", (l) => lines.push(l)) });
    await mock.request(PATH, { method: "POST", headers: AUTH });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ method: "POST", path: PATH, counted: true, businessId: 1001 });
  });
});
