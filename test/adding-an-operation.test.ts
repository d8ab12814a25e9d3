/**
 * The core is generic over the contract: an operation added to the document, with one handler,
 * gets every shared stage without a line elsewhere: its route and 405, credentials with its own
 * scopes, the business, its own quota from its x-rate-limit with headers and 420, Prefer from its
 * examples, its parameters validated by their schemas, faults by operationId, the journal.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMockApp } from "../mock/app.js";
import { defaultSpecPath, readContract } from "../mock/contract/load-contract.js";
import type { OperationHandler } from "../mock/stages/operation-handler.js";
import { createManualClock } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12);
const document = parse(readFileSync(defaultSpecPath(), "utf8")) as { paths: Record<string, unknown> };
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
document.paths["/v2/businesses/{businessId}/echo"] = {
  get: {
    operationId: "echoNumber",
    summary: "A made-up operation for this test",
    "x-auth-scopes": ["all-methods"],
    "x-rate-limit": { requests: 2, period: "PT1M", per: "businessId" },
    parameters: [
      { $ref: "#/components/parameters/BusinessId" },
      { name: "n", in: "query", required: true, schema: { type: "integer", minimum: 1, maximum: 9 } },
    ],
    responses: {
      "200": {
        description: "the number",
        content: { "application/json": { schema: { type: "object" }, examples: { seven: { value: { n: 7 } } } } },
      },
      "400": ref("BadRequest"),
      "401": ref("Unauthorized"),
      "403": ref("Forbidden"),
      "404": ref("NotFound"),
      "420": ref("RateLimitExceeded"),
      "500": ref("InternalError"),
    },
  },
};
const contract = readContract(document);
const echo: OperationHandler = {
  operationId: "echoNumber",
  handle: ({ parameters, business }) => ({ ok: true, body: { n: parameters.n, businessId: business.id } }),
};
const mock = () => createMockApp({ contract, handlers: [echo], clock: createManualClock(T0) });
const get = (app: ReturnType<typeof mock>, path: string, headers: Record<string, string> = { "Api-Key": "demo-all-methods" }) =>
  app.request(path, { headers });

describe("an operation added by its contract entry and one handler", () => {
  it("is routed, checked and answered by the handler, with its own quota's headers", async () => {
    const res = await get(mock(), "/v2/businesses/1001/echo?n=3");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 3, businessId: 1001 });
    expect(res.headers.get("x-ratelimit-resource-limit")).toBe("2");
  });

  it("has its own quota from its x-rate-limit: the third call in the minute is 420", async () => {
    const app = mock();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(app, "/v2/businesses/1001/echo?n=1")).status);
    expect(statuses).toEqual([200, 200, 420]);
    // createChat's quota of the same business is untouched.
    const state = (await (await app.request("/__mock/state")).json()) as { businesses: Array<{ businessId: number; quotas: Record<string, { used: number }> }> };
    expect(state.businesses.find((b) => b.businessId === 1001)?.quotas).toMatchObject({ echoNumber: { used: 3 }, createChat: { used: 0 } });
  });

  it("gets every shared stage: 405, credentials and scopes, the business, parameters, Prefer, the journal", async () => {
    const app = mock();
    const post = await app.request("/v2/businesses/1001/echo?n=1", { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await get(app, "/v2/businesses/1001/echo?n=1", {})).status).toBe(401);
    // demo-communication lacks all-methods, the one scope this operation names.
    expect((await get(app, "/v2/businesses/1001/echo?n=1", { "Api-Key": "demo-communication" })).status).toBe(403);
    expect((await get(app, "/v2/businesses/9999/echo?n=1")).status).toBe(404);
    const bad = await get(app, "/v2/businesses/1001/echo?n=12");
    expect([bad.status, ((await bad.json()) as { errors: Array<{ message: string }> }).errors[0]?.message]).toEqual([400, "/n must be <= 9"]);
    const forced = await get(app, "/v2/businesses/1001/echo?n=1", { "Api-Key": "demo-all-methods", Prefer: "example=seven" });
    expect(await forced.json()).toEqual({ n: 7 });
    const journal = (await (await app.request("/__mock/requests")).json()) as { requests: Array<{ operationId?: string; status: number }> };
    // The 405 is routing's (no operation); the forced answer is journaled like any.
    expect(journal.requests.map((r) => [r.operationId, r.status])).toEqual([
      [undefined, 405],
      ["echoNumber", 401],
      ["echoNumber", 403],
      ["echoNumber", 404],
      ["echoNumber", 400],
      ["echoNumber", 200],
    ]);
  });

  it("takes faults matched by its operationId, and only its own", async () => {
    const app = mock();
    await app.request("/__mock/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 500, times: 1, match: { operationId: "echoNumber" } }) });
    const chat = await app.request("/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    expect(chat.status).toBe(200);
    expect((await get(app, "/v2/businesses/1001/echo?n=1")).status).toBe(500);
    expect((await get(app, "/v2/businesses/1001/echo?n=1")).status).toBe(200);
  });

  it("is refused at start without a handler, naming the operation", () => {
    expect(() => createMockApp({ contract })).toThrow("operation echoNumber has no handler");
  });
});
