/**
 * Time for the mock: an injectable epoch-milliseconds source, a clock the control API can move,
 * the HTTP date format the rate-limit headers use, and duration parsing for the CLI and control API.
 *
 * Nothing else in `mock/` reads the system time: every module takes a {@link Clock}, so tests and
 * the `POST /__mock/clock` control endpoint decide what "now" is.
 */

/** Epoch milliseconds source; injected everywhere so tests drive time. */
export interface Clock {
  now(): number;
}

/**
 * The last instant an HTTP date can carry (RFC 9110 dates have four year digits), to the whole
 * second: a quota window must end by then, or `X-RateLimit-Resource-Until` could not say when.
 */
export const LAST_HTTP_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 0);

/** The longest wait setTimeout can make (2^31-1 ms); a longer one fires at once instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The real time, from `Date.now()`. The only place in the mock that reads it.
 *
 * @example
 * const quota = createQuota({ limit: 1000, windowMs: 3_600_000, clock: systemClock });
 */
export const systemClock: Clock = {
  now: () => Date.now(),
};

/** A clock that follows `base` plus an offset the control API can move (POST /__mock/clock). */
export interface ControllableClock extends Clock {
  /** Moves the clock forward by `ms` (finite, >= 0); throws RangeError otherwise. */
  advance(ms: number): void;
  /** Jumps to an absolute instant (offset = epochMs - base.now()); may go back. */
  set(epochMs: number): void;
  /** Puts the offset back to 0, so the clock reads `base` again. */
  reset(): void;
  /** The current offset from `base`, in ms (negative after a jump into the past). */
  offsetMs(): number;
}

/**
 * A clock that keeps running with `base` but can be moved forward or set to any instant.
 * Moving it changes an offset rather than freezing time, so a running mock still ticks.
 *
 * @param base where time comes from; default {@link systemClock}.
 * @example
 * const clock = createControllableClock();
 * clock.advance(parseDuration("1h")); // the quota window of every business has ended
 */
export function createControllableClock(base: Clock = systemClock): ControllableClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    advance(ms: number): void {
      assertNonNegativeFinite(ms, "advance(ms)");
      offset += ms;
    },
    set(epochMs: number): void {
      assertFinite(epochMs, "set(epochMs)");
      offset = epochMs - base.now();
    },
    reset(): void {
      offset = 0;
    },
    offsetMs: () => offset,
  };
}

/**
 * Test helper: a clock standing still at `startMs` until moved.
 *
 * @example
 * const clock = createManualClock(Date.UTC(2026, 10, 25, 12));
 * clock.advance(1000); // clock.now() is one second later
 */
export function createManualClock(
  startMs: number,
): Clock & { advance(ms: number): void; set(ms: number): void } {
  assertFinite(startMs, "createManualClock(startMs)");
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number): void {
      assertNonNegativeFinite(ms, "advance(ms)");
      current += ms;
    },
    set(ms: number): void {
      assertFinite(ms, "set(ms)");
      current = ms;
    },
  };
}

/**
 * RFC 1123 date as HTTP headers carry it, e.g. "Wed, 25 Nov 2026 13:00:00 GMT"
 * (the IMF-fixdate of RFC 9110 §5.6.7). Milliseconds are truncated: HTTP dates have whole seconds.
 * Throws RangeError for instants the format cannot show (not finite, or a year outside 0000-9999).
 *
 * @example
 * toHttpDate(Date.UTC(2026, 10, 25, 13)); // "Wed, 25 Nov 2026 13:00:00 GMT"
 */
export function toHttpDate(epochMs: number): string {
  assertFinite(epochMs, "toHttpDate(epochMs)");
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  // The format has exactly four year digits; toUTCString would write "-000001" or "10000".
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`toHttpDate(epochMs): ${epochMs} is outside the years 0000-9999 an HTTP date can carry`);
  }
  // ECMAScript defines toUTCString as exactly "Www, DD Mmm YYYY HH:MM:SS GMT" for these years.
  return date.toUTCString();
}

const DURATION_UNITS_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;

const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

/**
 * The end of a quota window as the `X-RateLimit-Resource-Until` header says it: HTTP dates have
 * whole seconds, so the instant is rounded up, and a client that waits until that time never lands
 * inside the old window.
 */
export function windowEndHttpDate(epochMs: number): string {
  // The CLI and the control API refuse windows and clocks that would end past the last HTTP date;
  // a clock or window set around them in code still gets an answer, never a formatting error.
  const rounded = Math.ceil(epochMs / 1000) * 1000;
  return toHttpDate(Number.isFinite(rounded) ? Math.min(Math.max(rounded, 0), LAST_HTTP_DATE_MS) : LAST_HTTP_DATE_MS);
}

/**
 * ISO 8601 of an instant, as every answer of the mock writes instants; never throws. Past what a
 * Date can hold (about 275,000 years either way) it says the nearest instant a Date can hold.
 */
export function isoInstant(epochMs: number): string {
  const limit = 8.64e15;
  return new Date(Number.isNaN(epochMs) ? 0 : Math.min(Math.max(epochMs, -limit), limit)).toISOString();
}

/**
 * Parses a duration like "90s", "15m", "1h", "500ms", "2d" into ms; throws RangeError with a clear
 * message otherwise.
 *
 * Accepted: a whole, non-negative number of units immediately followed by one unit (`ms`, `s`, `m`,
 * `h`, `d`), lower case, no spaces. Fractions ("1.5h") are refused on purpose: write "90m" instead,
 * so every duration is an exact number of milliseconds. A bare number ("10") is refused because
 * its unit would be a guess. "0s" is accepted (0 ms); callers that need a positive span check it.
 *
 * @example
 * parseDuration("15m"); // 900000
 */
export function parseDuration(text: string): number {
  if (typeof text !== "string") {
    throw new RangeError(`duration must be a string such as "90s", "15m" or "1h", got ${typeof text}`);
  }
  const match = DURATION_PATTERN.exec(text);
  if (match === null) {
    throw new RangeError(
      `invalid duration ${JSON.stringify(text)}: expected a whole number followed by a unit ` +
        `(ms, s, m, h or d), such as "500ms", "90s", "15m", "1h" or "2d"`,
    );
  }
  const [, amount = "", unit = ""] = match;
  const ms = Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  if (!Number.isSafeInteger(ms)) {
    throw new RangeError(`invalid duration ${JSON.stringify(text)}: too long to count in milliseconds exactly`);
  }
  return ms;
}

function assertFinite(value: number, what: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${what}: expected a finite number of milliseconds, got ${String(value)}`);
  }
}

function assertNonNegativeFinite(value: number, what: string): void {
  assertFinite(value, what);
  if (value < 0) {
    throw new RangeError(`${what}: time only moves forward here, got ${value} ms (use set() to go back)`);
  }
}
