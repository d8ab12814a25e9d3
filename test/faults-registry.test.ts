import { describe, expect, it } from "vitest";
import { createFaultRegistry } from "../mock/state/faults.js";

describe("fault registry", () => {
  it("applies a rule exactly `times` times, then drops it", () => {
    const faults = createFaultRegistry();
    const added = faults.add({ status: 500, times: 2 });
    expect(added).toEqual({ id: 1, status: 500, remaining: 2, hits: 0, match: {}, delayMs: 0 });

    expect(faults.take({ businessId: 1, operationId: "createChat" })).toEqual({ id: 1, status: 500, remaining: 1, hits: 1, match: {}, delayMs: 0 });
    expect(faults.list()).toEqual([{ id: 1, status: 500, remaining: 1, hits: 1, match: {}, delayMs: 0 }]);
    expect(faults.take({ businessId: 1, operationId: "createChat" })).toEqual({ id: 1, status: 500, remaining: 0, hits: 2, match: {}, delayMs: 0 });
    expect(faults.list()).toEqual([]);
    expect(faults.take({ businessId: 1, operationId: "createChat" })).toBeUndefined();
  });

  it("keeps a rule without `times` until cleared", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 403, delayMs: 250 });
    for (let n = 1; n <= 50; n += 1) {
      expect(faults.take({ businessId: 9, operationId: "createChat" })).toMatchObject({ status: 403, remaining: null, hits: n, delayMs: 250 });
    }
    faults.clear();
    expect(faults.list()).toEqual([]);
    expect(faults.take({ businessId: 9, operationId: "createChat" })).toBeUndefined();
  });

  it("uses the oldest matching rule first", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 500, times: 1 });
    faults.add({ status: 404, times: 1 });
    expect(faults.take({ businessId: 1, operationId: "createChat" })?.status).toBe(500);
    expect(faults.take({ businessId: 1, operationId: "createChat" })?.status).toBe(404);
    expect(faults.take({ businessId: 1, operationId: "createChat" })).toBeUndefined();
  });

  it("skips older rules that do not match and leaves them in place", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 500, times: 1, match: { businessId: 2 } });
    faults.add({ status: 404, times: 1, match: { businessId: 1 } });
    expect(faults.take({ businessId: 1, operationId: "createChat" })).toMatchObject({ id: 2, status: 404 });
    expect(faults.list().map((f) => f.id)).toEqual([1]);
    expect(faults.take({ businessId: 2, operationId: "createChat" })).toMatchObject({ id: 1, status: 500 });
  });

  it("matches on businessId and contextType together", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 400, match: { businessId: 5, contextType: "RETURN" } });
    expect(faults.take({ businessId: 5, operationId: "createChat", contextType: "ORDER" })).toBeUndefined();
    expect(faults.take({ businessId: 6, operationId: "createChat", contextType: "RETURN" })).toBeUndefined();
    expect(faults.take({ businessId: 5, operationId: "createChat", contextType: "RETURN" })).toMatchObject({ status: 400, hits: 1 });
  });

  it("does not match a rule with a contextType against a request whose type is unknown", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 400, match: { contextType: "ORDER" } });
    expect(faults.take({ businessId: 5, operationId: "createChat" })).toBeUndefined();
    expect(faults.take({ businessId: 5, operationId: "createChat", contextType: "ORDER" })).toMatchObject({ status: 400 });
  });

  it("matches a rule without match against any request, known type or not", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 500 });
    expect(faults.take({ businessId: 1, operationId: "createChat" })).toBeDefined();
    expect(faults.take({ businessId: 2, operationId: "createChat", contextType: "RETURN" })).toBeDefined();
  });

  it("never reuses an id, even after clear", () => {
    const faults = createFaultRegistry();
    expect(faults.add({ status: 500 }).id).toBe(1);
    expect(faults.add({ status: 500 }).id).toBe(2);
    faults.clear();
    expect(faults.add({ status: 500 }).id).toBe(3);
  });

  it("hands out copies: changing a returned fault changes nothing inside", () => {
    const faults = createFaultRegistry();
    const match = { businessId: 1 };
    const added = faults.add({ status: 500, times: 3, match });
    added.remaining = 99;
    added.match.businessId = 2;
    match.businessId = 3;
    const listed = faults.list();
    listed[0]!.hits = 42;
    expect(faults.list()).toEqual([{ id: 1, status: 500, remaining: 3, hits: 0, match: { businessId: 1 }, delayMs: 0 }]);
  });

  it("lists only the match fields that were set", () => {
    const faults = createFaultRegistry();
    faults.add({ status: 500, match: { businessId: undefined, contextType: "ORDER" } });
    expect(Object.keys(faults.list()[0]!.match)).toEqual(["contextType"]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses times %s with a RangeError", (times) => {
    const faults = createFaultRegistry();
    expect(() => faults.add({ status: 500, times })).toThrow(RangeError);
    expect(() => faults.add({ status: 500, times })).toThrow(/times must be an integer >= 1/);
    expect(faults.list()).toEqual([]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("refuses delayMs %s with a RangeError", (delayMs) => {
    const faults = createFaultRegistry();
    expect(() => faults.add({ status: 500, delayMs })).toThrow(/delayMs must be/);
    expect(faults.list()).toEqual([]);
  });

  it.each([0, 99, 600, 500.5])("refuses status %s, which is no HTTP status", (status) => {
    const faults = createFaultRegistry();
    expect(() => faults.add({ status })).toThrow(RangeError);
  });
});
