import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { demoFixtures, indexFixtures, loadFixturesFile, parseFixtures } from "../mock/state/fixtures.js";

const demoYaml = fileURLToPath(new URL("../examples/fixtures.demo.yaml", import.meta.url));

describe("demo fixtures", () => {
  it("examples/fixtures.demo.yaml holds exactly demoFixtures", async () => {
    expect(await loadFixturesFile(demoYaml)).toEqual(demoFixtures);
  });

  it("demoFixtures passes its own validation unchanged", () => {
    expect(parseFixtures(demoFixtures, "demoFixtures")).toEqual(demoFixtures);
  });

  it("is frozen, so no caller can change the shared default", () => {
    expect(() => demoFixtures.businesses[0]!.orders.push(1)).toThrow(TypeError);
    expect(() => {
      demoFixtures.tokens[0]!.scopes[0] = "pricing";
    }).toThrow(TypeError);
    expect(demoFixtures.tokens[0]!.scopes).toEqual(["all-methods"]);
  });

  const index = indexFixtures(demoFixtures);

  it.each([
    ["demo-all-methods", "api-key", ["all-methods"], [1001, 1002, 1003, 1004]],
    ["demo-communication", "api-key", ["communication"], [1001, 1002, 1003, 1004]],
    ["demo-pricing-only", "api-key", ["pricing"], [1001, 1002, 1003, 1004]],
    ["demo-oauth", "oauth", ["all-methods"], [1001, 1002, 1003, 1004]],
    ["demo-other-seller", "api-key", ["all-methods"], [2001]],
  ] as const)("token %s (%s) has scopes %j and businesses %j", (token, scheme, scopes, businesses) => {
    expect(index.token(token, scheme)).toEqual({ token, scheme, scopes, businesses });
  });

  it("finds a token only under the scheme it is declared with", () => {
    expect(index.token("demo-oauth", "api-key")).toBeUndefined();
    expect(index.token("demo-all-methods", "oauth")).toBeUndefined();
    expect(index.token("no-such-token", "api-key")).toBeUndefined();
    expect(demoFixtures.tokens).toHaveLength(5);
  });

  it.each([
    [1001, "FBS", 11001, 12001, 5],
    [1002, "DBS", 21001, 22001, 5],
    [1003, "FBY", 31001, 32001, 5],
    [1004, "EXPRESS", 41001, 42001, 5],
    [2001, "FBS", 51001, 0, 0],
  ] as const)("business %i is %s with orders from %i (10) and returns from %i (%i)", (id, model, firstOrder, firstReturn, returnCount) => {
    const business = index.business(id);
    expect(business?.model).toBe(model);
    expect(business?.orders).toEqual(Array.from({ length: 10 }, (_, i) => firstOrder + i));
    expect(business?.returns).toEqual(Array.from({ length: returnCount }, (_, i) => firstReturn + i));
  });

  it("answers order and return lookups per business", () => {
    expect(index.hasOrder(1001, 11001)).toBe(true);
    expect(index.hasOrder(1001, 11010)).toBe(true);
    expect(index.hasOrder(1001, 11011)).toBe(false);
    expect(index.hasOrder(1002, 11001)).toBe(false); // another business's order
    expect(index.hasOrder(9999, 11001)).toBe(false); // unknown business
    expect(index.hasReturn(1004, 42005)).toBe(true);
    expect(index.hasReturn(1004, 42006)).toBe(false);
    expect(index.hasReturn(1001, 11001)).toBe(false); // an order id is not a return id
    expect(index.hasReturn(2001, 12001)).toBe(false);
    expect(index.business(3001)).toBeUndefined();
    expect(demoFixtures.businesses.map((b) => b.id)).toEqual([1001, 1002, 1003, 1004, 2001]);
  });
});
