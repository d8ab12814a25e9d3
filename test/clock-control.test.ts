import { describe, expect, it } from "vitest";
import { createControllableClock, createManualClock, systemClock } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("controllable clock", () => {
  it("follows its base clock while the offset is 0", () => {
    const base = createManualClock(T0);
    const clock = createControllableClock(base);
    expect(clock.now()).toBe(T0);
    base.advance(250);
    expect(clock.now()).toBe(T0 + 250);
    expect(clock.offsetMs()).toBe(0);
  });

  it("moves forward by advance and keeps following the base", () => {
    const base = createManualClock(T0);
    const clock = createControllableClock(base);
    clock.advance(3_600_000);
    expect(clock.now()).toBe(T0 + 3_600_000);
    expect(clock.offsetMs()).toBe(3_600_000);
    base.advance(5);
    expect(clock.now()).toBe(T0 + 3_600_005);
  });

  it("jumps to an absolute instant with set, also into the past", () => {
    const base = createManualClock(T0);
    const clock = createControllableClock(base);
    clock.set(T0 - 60_000);
    expect(clock.now()).toBe(T0 - 60_000);
    expect(clock.offsetMs()).toBe(-60_000);
    base.advance(1_000);
    expect(clock.now()).toBe(T0 - 59_000);
    clock.set(T0 + 1);
    expect(clock.now()).toBe(T0 + 1);
  });

  it("goes back to the base time on reset", () => {
    const base = createManualClock(T0);
    const clock = createControllableClock(base);
    clock.advance(10_000);
    clock.reset();
    expect(clock.offsetMs()).toBe(0);
    expect(clock.now()).toBe(T0);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "refuses advance(%s) with a RangeError and leaves the time alone",
    (ms) => {
      const clock = createControllableClock(createManualClock(T0));
      expect(() => clock.advance(ms)).toThrow(RangeError);
      expect(clock.now()).toBe(T0);
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY])("refuses set(%s) with a RangeError", (ms) => {
    const clock = createControllableClock(createManualClock(T0));
    expect(() => clock.set(ms)).toThrow(RangeError);
    expect(clock.now()).toBe(T0);
  });

  it("uses the system clock by default", () => {
    const clock = createControllableClock();
    const before = Date.now();
    const now = clock.now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
    clock.advance(86_400_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 86_400_000);
  });
});

describe("system clock", () => {
  it("reads the real time", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe("manual clock", () => {
  it("stands still until moved", () => {
    const clock = createManualClock(T0);
    expect(clock.now()).toBe(T0);
    expect(clock.now()).toBe(T0);
    clock.advance(1_500);
    expect(clock.now()).toBe(T0 + 1_500);
    clock.set(T0 - 1);
    expect(clock.now()).toBe(T0 - 1);
  });

  it("refuses negative or non-finite moves", () => {
    const clock = createManualClock(T0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(Number.NaN)).toThrow(RangeError);
    expect(() => createManualClock(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(T0);
  });
});
