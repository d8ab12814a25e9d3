import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createParallelLimiter } from "../mock/state/parallel.js";

describe("parallel-request limit", () => {
  it("lets 4 requests of a business in flight and refuses the 5th", () => {
    const limiter = createParallelLimiter(4);
    const releases = [1, 2, 3, 4].map(() => limiter.tryAcquire(42));
    expect(releases.every((release) => typeof release === "function")).toBe(true);
    expect(limiter.inFlight(42)).toBe(4);
    expect(limiter.tryAcquire(42)).toBeUndefined();
    expect(limiter.inFlight(42)).toBe(4);
  });

  it("frees a slot on release", () => {
    const limiter = createParallelLimiter(4);
    const releases = [1, 2, 3, 4].map(() => limiter.tryAcquire(42));
    releases[0]?.();
    expect(limiter.inFlight(42)).toBe(3);
    expect(limiter.tryAcquire(42)).toBeTypeOf("function");
    expect(limiter.tryAcquire(42)).toBeUndefined();
  });

  it("frees only one slot when a release is called twice", () => {
    const limiter = createParallelLimiter(4);
    const first = limiter.tryAcquire(42);
    limiter.tryAcquire(42);
    first?.();
    first?.();
    expect(limiter.inFlight(42)).toBe(1);
  });

  it("counts each business separately", () => {
    const limiter = createParallelLimiter(1);
    expect(limiter.tryAcquire(1)).toBeTypeOf("function");
    expect(limiter.tryAcquire(1)).toBeUndefined();
    expect(limiter.tryAcquire(2)).toBeTypeOf("function");
    expect(limiter.inFlight(1)).toBe(1);
    expect(limiter.inFlight(2)).toBe(1);
    expect(limiter.inFlight(3)).toBe(0);
  });

  it("never refuses when the limit is off, and still counts", () => {
    const limiter = createParallelLimiter();
    expect(limiter.limit).toBeUndefined();
    const releases = Array.from({ length: 100 }, () => limiter.tryAcquire(42));
    expect(releases.every((release) => typeof release === "function")).toBe(true);
    expect(limiter.inFlight(42)).toBe(100);
    for (const release of releases) release?.();
    expect(limiter.inFlight(42)).toBe(0);
  });

  it.each([0, -1, 2.5, Number.NaN])("rejects limit %s with a RangeError", (limit) => {
    expect(() => createParallelLimiter(limit)).toThrow(RangeError);
  });

  it("never exceeds the limit over random acquire/release sequences, and returns to 0", () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("acquire" as const), businessId: fc.integer({ min: 1, max: 3 }) }),
      // `pick` chooses which held release to call (possibly one already called).
      fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 200 }), (limit, steps) => {
        const limiter = createParallelLimiter(limit);
        const held: Array<{ businessId: number; release: () => void; released: boolean }> = [];
        const model = new Map<number, number>();
        for (const s of steps) {
          if (s.kind === "acquire") {
            const before = model.get(s.businessId) ?? 0;
            const release = limiter.tryAcquire(s.businessId);
            // Refused exactly when the model says the business is full.
            expect(release === undefined).toBe(before >= limit);
            if (release !== undefined) {
              held.push({ businessId: s.businessId, release, released: false });
              model.set(s.businessId, before + 1);
            }
          } else if (held.length > 0) {
            const h = held[s.pick % held.length]!;
            h.release();
            if (!h.released) model.set(h.businessId, (model.get(h.businessId) ?? 0) - 1);
            h.released = true;
          }
          for (const businessId of [1, 2, 3]) {
            expect(limiter.inFlight(businessId)).toBe(model.get(businessId) ?? 0);
            expect(limiter.inFlight(businessId)).toBeLessThanOrEqual(limit);
          }
        }
        for (const h of held) h.release();
        for (const businessId of [1, 2, 3]) expect(limiter.inFlight(businessId)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
