import { describe, expect, it } from "vitest";
import { parseDuration } from "../mock/state/clock.js";

describe("duration parsing", () => {
  it.each([
    ["90s", 90_000],
    ["15m", 900_000],
    ["1h", 3_600_000],
    ["500ms", 500],
    ["2d", 172_800_000],
    ["0s", 0],
    ["3600000ms", 3_600_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ["", "empty"],
    ["10", "no unit"],
    ["1x", "unknown unit"],
    ["-5m", "negative"],
    ["1.5h", "fraction (write 90m)"],
    ["h", "no number"],
    [" 1h", "leading space"],
    ["1h ", "trailing space"],
    ["1 h", "space before the unit"],
    ["1H", "upper-case unit"],
    ["1h30m", "compound"],
    ["+1h", "sign"],
    ["1e3ms", "exponent"],
  ])("refuses %j (%s) with a RangeError that names the input and the accepted form", (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
    expect(() => parseDuration(text)).toThrow(`invalid duration ${JSON.stringify(text)}`);
    expect(() => parseDuration(text)).toThrow(/"90s", "15m", "1h"/);
  });

  it("refuses a duration too long to count exactly in milliseconds", () => {
    expect(() => parseDuration("9999999999999999d")).toThrow(/too long/);
  });

  it("refuses a non-string with a RangeError", () => {
    expect(() => parseDuration(90 as unknown as string)).toThrow(RangeError);
  });
});
