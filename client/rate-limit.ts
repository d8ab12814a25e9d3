/**
 * Reading the `X-RateLimit-Resource-*` quota headers of a Market API answer.
 */

/** The quota state a counted answer reports for its business. */
export interface RateLimitState {
  /** Requests the quota allows per window (`X-RateLimit-Resource-Limit`). */
  limit: number;
  /** Requests left in the current window (`X-RateLimit-Resource-Remaining`). */
  remaining: number;
  /** When the current window ends (`X-RateLimit-Resource-Until`). */
  until: Date;
}

const LIMIT_HEADER = "X-RateLimit-Resource-Limit";
const REMAINING_HEADER = "X-RateLimit-Resource-Remaining";
const UNTIL_HEADER = "X-RateLimit-Resource-Until";

const DIGITS = /^\d+$/;

// RFC 1123 date as HTTP carries it (RFC 9110 §5.6.7 IMF-fixdate), the same pattern as the
// contract's HttpDate schema.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Reads the quota headers of an answer.
 *
 * Returns the state only when all three headers are present and well formed: `Limit` an integer
 * >= 1, `Remaining` an integer >= 0, `Until` an RFC 1123 date in GMT. Otherwise returns
 * `undefined`, so a malformed header never becomes `NaN` or an Invalid Date.
 *
 * @example
 * const state = parseRateLimit(response.headers);
 * if (state && state.remaining === 0) await sleepUntil(state.until);
 */
export function parseRateLimit(headers: Headers): RateLimitState | undefined {
  const limit = parseCount(headers.get(LIMIT_HEADER));
  const remaining = parseCount(headers.get(REMAINING_HEADER));
  const until = parseHttpDate(headers.get(UNTIL_HEADER));
  if (limit === undefined || limit < 1 || remaining === undefined || until === undefined) {
    return undefined;
  }
  return { limit, remaining, until };
}

function parseCount(raw: string | null): number | undefined {
  if (raw === null || !DIGITS.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseHttpDate(raw: string | null): Date | undefined {
  if (raw === null) return undefined;
  const match = IMF_FIXDATE.exec(raw);
  if (!match) return undefined;
  const [, day, month, year, hour, minute, second] = match;
  const date = new Date(
    Date.UTC(Number(year), MONTHS.indexOf(month ?? ""), Number(day), Number(hour), Number(minute), Number(second)),
  );
  // Date.UTC rolls impossible values over (31 Feb becomes 3 Mar, 25:00 the next day); formatting
  // the result back and comparing rejects those and a weekday that does not match the date.
  return date.toUTCString() === raw ? date : undefined;
}
