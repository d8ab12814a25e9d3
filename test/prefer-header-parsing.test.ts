import { describe, expect, it } from "vitest";
import { negotiateForced } from "../mock/stages/negotiate.js";
import { parsePrefer } from "../mock/stages/prefer.js";
import { loadContract } from "../mock/contract/load-contract.js";

describe("Prefer header parsing (RFC 7240, as Prism reads it)", () => {
  it.each([
    [undefined, {}],
    ["", {}],
    ["code=404", { code: "404" }],
    ["code=404, example=orderNotFound", { code: "404", example: "orderNotFound" }],
    ["example=\"quotaExceeded\"; dynamic=true", { example: "quotaExceeded" }],
    ["Code = 500 , respond-async", { code: "500" }],
    ["return=minimal", {}],
  ])("%j → %j", (header, expected) => {
    expect(parsePrefer(header)).toEqual(expected);
  });
});

describe("the response a Prefer header forces", () => {
  const contract = loadContract().operation("createChat");

  it("is the first example of the forced status, with the headers the contract requires", () => {
    expect(negotiateForced(contract, { code: "420" })).toEqual({
      status: 420,
      body: contract.responses.get(420)?.examples.get("quotaExceeded"),
      headers: {
        "X-RateLimit-Resource-Limit": "1000",
        "X-RateLimit-Resource-Remaining": "997",
        "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
      },
    });
    expect(negotiateForced(contract, { code: "401" })).toMatchObject({ status: 401, headers: {} });
  });

  it("finds a named example across statuses when no code is given", () => {
    expect(negotiateForced(contract, { example: "parallelLimit" })).toMatchObject({ status: 420 });
    expect(negotiateForced(contract, { example: "returnNotFound" })).toMatchObject({ status: 404 });
  });

  it("refuses an undeclared status, a non-number and an example the status lacks", () => {
    expect(negotiateForced(contract, { code: "201" })).toMatchObject({ status: 400, errors: [{ code: "INVALID_PREFER_HEADER" }] });
    expect(negotiateForced(contract, { code: "abc" })).toMatchObject({ status: 400 });
    expect(negotiateForced(contract, { code: "404", example: "quotaExceeded" })).toMatchObject({
      status: 400,
      errors: [{ message: "Prefer: example=quotaExceeded is not an example of response 404; known: businessNotFound, orderNotFound, returnNotFound" }],
    });
  });

  it("forces nothing without code or example", () => {
    expect(negotiateForced(contract, {})).toBeUndefined();
  });
});
