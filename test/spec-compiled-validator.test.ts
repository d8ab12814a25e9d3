import { describe, expect, it } from "vitest";
import { loadContract } from "../mock/contract/load-contract.js";
import { compileValidator } from "../mock/contract/validators.js";

const contract = loadContract().operation("createChat");
const validator = compileValidator(loadContract()).operation("createChat");
const businessIdParameter = contract.parameters.find((p) => p.name === "businessId")!;
const quotaHeaders = () =>
  new Headers({
    "X-RateLimit-Resource-Limit": "1000",
    "X-RateLimit-Resource-Remaining": "999",
    "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
  });

describe("the contract as the mock reads it", () => {
  it("has the operation's statuses, scopes and quota from openapi.yaml", () => {
    expect(contract.pathTemplate).toBe("/v2/businesses/{businessId}/chats/new");
    expect(contract.statuses).toEqual([200, 400, 401, 403, 404, 420, 500]);
    expect(contract.requiredScopes).toEqual(["communication", "all-methods"]);
    expect(contract.rateLimit).toEqual({ requests: 1000, periodMs: 3_600_000, parallelRequests: 4 });
  });

  it("has a named example for every status, each one valid with the headers the status requires", () => {
    for (const [status, declared] of contract.responses) {
      expect(declared.examples.size, String(status)).toBeGreaterThan(0);
      const headers = new Headers();
      for (const h of declared.headers) if (h.required) headers.set(h.name, String(h.example));
      for (const [name, body] of declared.examples) {
        expect(validator.response({ status, body, headers }), `${status} ${name}`).toEqual([]);
      }
    }
  });
});

describe("the request validator compiled from the contract", () => {
  it("accepts the three request forms", () => {
    expect(validator.requestBody({ context: { type: "ORDER", id: 1 } })).toEqual([]);
    expect(validator.requestBody({ context: { type: "RETURN", id: 1 } })).toEqual([]);
    expect(validator.requestBody({ orderId: 1 })).toEqual([]);
  });

  it("names every problem by its JSON pointer", () => {
    expect(validator.requestBody({ context: { type: "X", id: 0, extra: 1 } })).toEqual([
      { pointer: "/context/extra", keyword: "additionalProperties", message: "is not allowed; allowed: type, id" },
      { pointer: "/context/type", keyword: "enum", message: "must be one of ORDER, RETURN" },
      { pointer: "/context/id", keyword: "minimum", message: "must be >= 1" },
    ]);
    expect(validator.requestBody({ orderId: 1e20 })).toEqual([{ pointer: "/orderId", keyword: "format", message: "100000000000000000000 is beyond the int64 range" }]);
    expect(validator.requestBody({ orderId: 1.5 })).toContainEqual({ pointer: "/orderId", keyword: "format", message: "must be an int64 value" });
    expect(validator.requestBody({})).toEqual([{ pointer: "", keyword: "minProperties", message: "must have at least 1 property" }]);
  });

  it.each([
    ["1", 1],
    ["9007199254740991", 9007199254740991],
  ])("takes businessId %s", (raw, value) => {
    expect(validator.parameter(businessIdParameter, raw)).toEqual({ problems: [], value });
  });

  it("takes a valid int64 businessId past 2^53 as its digits, which no fixture's id can be", () => {
    expect(validator.parameter(businessIdParameter, "9223372036854775807")).toEqual({ problems: [], value: "9223372036854775807" });
  });

  it.each([
    ["0", "must be >= 1"],
    ["-5", "must be >= 1"],
    ["1.5", 'must be an integer, got "1.5"'],
    ["abc", 'must be an integer, got "abc"'],
    ["9223372036854775808", "9223372036854775808 is beyond the int64 range"],
  ])("refuses businessId %s: %s", (raw, message) => {
    expect(validator.parameter(businessIdParameter, raw).problems).toEqual([expect.objectContaining({ pointer: "/businessId", message })]);
  });
});

describe("the response validator compiled from the contract", () => {
  it("accepts a 200 with its headers, and an error without the optional headers", () => {
    expect(validator.response({ status: 200, body: { status: "OK", result: { chatId: 1 } }, headers: quotaHeaders() })).toEqual([]);
    expect(
      validator.response({ status: 401, body: { status: "ERROR", errors: [{ code: "UNAUTHORIZED", message: "m" }] }, headers: new Headers() }),
    ).toEqual([]);
  });

  it("flags what the vendor's docs get wrong and what a sloppy mock would send", () => {
    const problems = (status: number, body: unknown, headers = quotaHeaders()) =>
      validator.response({ status, body, headers }).map((p) => `${p.pointer} ${p.message}`);
    expect(problems(400, { status: "OK", errors: [{ code: "example" }] })).toEqual([
      "body/status must be one of ERROR",
      "body/errors/0/code must match pattern \"^[A-Z][A-Z0-9_]*$\"",
    ]);
    expect(problems(400, { status: "ERROR", errors: [] })).toEqual(["body/errors must have at least 1 item"]);
    expect(problems(200, { status: "OK", result: { chatId: 0 } }, new Headers())).toEqual([
      "body/result/chatId must be >= 1",
      "X-RateLimit-Resource-Limit required header is missing",
      "X-RateLimit-Resource-Remaining required header is missing",
      "X-RateLimit-Resource-Until required header is missing",
    ]);
    const badHeaders = quotaHeaders();
    badHeaders.set("X-RateLimit-Resource-Remaining", "-1");
    badHeaders.set("X-RateLimit-Resource-Until", "2026-11-25T13:00:00Z");
    expect(problems(420, { status: "ERROR", errors: [{ code: "LIMIT_EXCEEDED" }] }, badHeaders)).toEqual([
      "X-RateLimit-Resource-Remaining must be >= 0",
      expect.stringMatching(/^X-RateLimit-Resource-Until must match pattern/),
    ]);
    expect(problems(418, { status: "ERROR", errors: [{ code: "TEAPOT" }] })).toEqual([" status 418 is not declared by the contract for createChat"]);
  });
});
