import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHttpDate, windowEndHttpDate } from "../mock/state/clock.js";

// The contract's HttpDate pattern (openapi.yaml, components.schemas.HttpDate).
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe("HTTP date", () => {
  it("formats an instant as RFC 1123 in GMT", () => {
    expect(toHttpDate(Date.UTC(2026, 10, 25, 13, 0, 0))).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
    expect(toHttpDate(Date.UTC(2018, 6, 10, 0, 42, 42))).toBe("Tue, 10 Jul 2018 00:42:42 GMT");
    expect(toHttpDate(0)).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("pads day, hours, minutes and seconds to two digits", () => {
    expect(toHttpDate(Date.UTC(2027, 0, 3, 4, 5, 6))).toBe("Sun, 03 Jan 2027 04:05:06 GMT");
  });

  it("truncates milliseconds", () => {
    expect(toHttpDate(Date.UTC(2026, 10, 25, 13, 0, 0) + 999)).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
  });

  it("matches the contract's pattern and parses back to the same second for any instant", () => {
    const min = Date.UTC(1000, 0, 1);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        const text = toHttpDate(ms);
        expect(text).toMatch(HTTP_DATE);
        expect(Date.parse(text)).toBe(Math.floor(ms / 1000) * 1000);
      }),
      { numRuns: 500 },
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1)])(
    "refuses %s, which the format cannot carry",
    (ms) => {
      expect(() => toHttpDate(ms)).toThrow(RangeError);
    },
  );
});

describe("windowEndHttpDate", () => {
  it("rounds a window end up to the next whole second, and keeps a whole second as it is", () => {
    expect(windowEndHttpDate(Date.parse("2026-11-25T13:00:00.001Z"))).toBe("Wed, 25 Nov 2026 13:00:01 GMT");
    expect(windowEndHttpDate(Date.parse("2026-11-25T13:00:00.999Z"))).toBe("Wed, 25 Nov 2026 13:00:01 GMT");
    expect(windowEndHttpDate(Date.parse("2026-11-25T13:00:00.000Z"))).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
  });
});
