import { describe, expect, it } from "vitest";
import { createManualClock, parseDuration, toHttpDate } from "../mock/state/clock.js";
import { createQuota } from "../mock/state/quota.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0); // Wed, 25 Nov 2026 12:00:00 GMT
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function setup(limit = 1000, windowMs = HOUR) {
  const clock = createManualClock(T0);
  return { clock, quota: createQuota({ limit, windowMs, clock }) };
}

describe("fixed-window quota", () => {
  it("allows 1000 requests with remaining 999..0, refuses the 1001st with remaining 0", () => {
    const { quota } = setup();
    for (let n = 1; n <= 1000; n += 1) {
      const decision = quota.take(7);
      expect(decision).toEqual({
        allowed: true,
        limit: 1000,
        used: n,
        remaining: 1000 - n,
        windowStart: T0,
        until: T0 + HOUR,
      });
    }
    const refused = quota.take(7);
    expect(refused).toEqual({
      allowed: false,
      limit: 1000,
      used: 1001,
      remaining: 0,
      windowStart: T0,
      until: T0 + HOUR,
    });
  });

  it("keeps refusing until `until`, without moving the window, and counts each refusal", () => {
    const { clock, quota } = setup();
    for (let n = 0; n < 1001; n += 1) quota.take(7);
    clock.set(T0 + HOUR - 1);
    const lastMoment = quota.take(7);
    expect(lastMoment.allowed).toBe(false);
    expect(lastMoment.remaining).toBe(0);
    expect(lastMoment.used).toBe(1002);
    expect(lastMoment.windowStart).toBe(T0);
    expect(lastMoment.until).toBe(T0 + HOUR);
  });

  it("opens a fresh window at exactly `until`", () => {
    const { clock, quota } = setup();
    for (let n = 0; n < 1001; n += 1) quota.take(7);
    clock.set(T0 + HOUR);
    expect(quota.take(7)).toEqual({
      allowed: true,
      limit: 1000,
      used: 1,
      remaining: 999,
      windowStart: T0 + HOUR,
      until: T0 + 2 * HOUR,
    });
  });

  it("opens the window at the first request, not at a fixed boundary", () => {
    const { clock, quota } = setup();
    clock.advance(parseDuration("17m") + 123);
    const first = quota.take(7);
    expect(first.windowStart).toBe(T0 + 17 * 60_000 + 123);
    expect(first.until).toBe(first.windowStart + HOUR);
  });

  it("keeps each business's window independent", () => {
    const { clock, quota } = setup();
    for (let n = 0; n < 1001; n += 1) quota.take(1);
    clock.advance(parseDuration("10m"));
    const other = quota.take(2);
    expect(other).toMatchObject({ allowed: true, used: 1, remaining: 999 });
    expect(other.windowStart).toBe(T0 + 10 * 60_000);
    expect(quota.take(1)).toMatchObject({ allowed: false, remaining: 0, until: T0 + HOUR });

    // Business 1's window ends first; business 2 keeps its count.
    clock.set(T0 + HOUR);
    expect(quota.take(1)).toMatchObject({ allowed: true, used: 1, windowStart: T0 + HOUR });
    expect(quota.take(2)).toMatchObject({ allowed: true, used: 2, windowStart: T0 + 10 * 60_000 });
  });

  it("gives an `until` that formats as the contract's HTTP date", () => {
    const { quota } = setup();
    const until = toHttpDate(quota.take(7).until);
    expect(until).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
    expect(until).toMatch(HTTP_DATE);
  });

  it("peeks without counting, and reports no window before the first request or after `until`", () => {
    const { clock, quota } = setup(3);
    expect(quota.peek(7)).toBeUndefined();
    quota.take(7);
    expect(quota.peek(7)).toEqual({ limit: 3, used: 1, remaining: 2, windowStart: T0, until: T0 + HOUR });
    expect(quota.peek(7)?.used).toBe(1);
    clock.set(T0 + HOUR);
    expect(quota.peek(7)).toBeUndefined();
  });

  it("snapshots open windows sorted by businessId and leaves ended ones out", () => {
    const { clock, quota } = setup(5);
    quota.take(30);
    clock.advance(1000);
    quota.take(10);
    quota.take(10);
    quota.take(20);
    clock.set(T0 + HOUR); // business 30's window ends; 10 and 20 opened a second later
    expect(quota.snapshot()).toEqual([
      { businessId: 10, limit: 5, used: 2, remaining: 3, windowStart: T0 + 1000, until: T0 + 1000 + HOUR },
      { businessId: 20, limit: 5, used: 1, remaining: 4, windowStart: T0 + 1000, until: T0 + 1000 + HOUR },
    ]);
  });

  it("keeps the open window when the clock is set back before its start", () => {
    const { clock, quota } = setup(2);
    clock.advance(60_000);
    quota.take(7);
    clock.set(T0); // a minute before the window opened
    expect(quota.take(7)).toMatchObject({ allowed: true, used: 2, windowStart: T0 + 60_000 });
    expect(quota.take(7)).toMatchObject({ allowed: false, used: 3, remaining: 0, until: T0 + 60_000 + HOUR });
  });

  it("forgets every window on reset", () => {
    const { quota } = setup(1);
    quota.take(7);
    expect(quota.take(7).allowed).toBe(false);
    quota.reset();
    expect(quota.snapshot()).toEqual([]);
    expect(quota.take(7)).toMatchObject({ allowed: true, used: 1, remaining: 0 });
  });

  it("exposes its limit and window length", () => {
    const { quota } = setup(1000, HOUR);
    expect(quota.limit).toBe(1000);
    expect(quota.windowMs).toBe(HOUR);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects limit %s with a RangeError", (limit) => {
    const clock = createManualClock(T0);
    expect(() => createQuota({ limit, windowMs: HOUR, clock })).toThrow(RangeError);
    expect(() => createQuota({ limit, windowMs: HOUR, clock })).toThrow(/limit must be an integer >= 1/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects windowMs %s with a RangeError", (windowMs) => {
    const clock = createManualClock(T0);
    expect(() => createQuota({ limit: 1000, windowMs, clock })).toThrow(RangeError);
    expect(() => createQuota({ limit: 1000, windowMs, clock })).toThrow(/windowMs must be/);
  });
});
