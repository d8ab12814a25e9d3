/**
 * The error a rate-limited createChat call rejects with once the rate-limit guard is in use:
 * which limit was hit, and from when a new request may go out.
 */
import type { components } from "../generated/schema.js";

/**
 * Which limit a 420 is about, as its `X-RateLimit-Resource-Remaining` header says (0: hourly).
 * - `hourly`: the request quota of the window (1,000 per hour per business on the real service);
 *   it frees at `until`, the window's end.
 * - `parallel`: too many requests of the business in flight at once (4 on the real service); it
 *   frees as soon as one of them ends, so `until` is only a short pause.
 */
export type RateLimitKind = "hourly" | "parallel";

/** What a {@link RateLimitError} carries besides its message. */
export interface RateLimitErrorDetails {
  kind: RateLimitKind;
  /** Earliest time a new request may succeed. */
  until: Date;
  /**
   * Requests per window (`X-RateLimit-Resource-Limit`) for `hourly`, when the answer said; always
   * undefined for `parallel`, whose limit the API states only in the message's prose.
   */
  limit: number | undefined;
  /** Requests left in the window when known (`X-RateLimit-Resource-Remaining`). */
  remaining: number | undefined;
  /** The business the request was for, when the request or the answer named it. */
  businessId: number | undefined;
  /** True when the guard refused before sending: no request reached the API. */
  local: boolean;
  /** The API's errors from the 420 body; empty for a local refusal or an unreadable body. */
  errors: components["schemas"]["ApiError"][];
}

/**
 * Thrown (as the call's rejection) by the rate-limit guard for a `420` answer, or, before
 * sending, while the business's quota is known to be spent.
 *
 * @example
 * try {
 *   await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
 * } catch (error) {
 *   if (!(error instanceof RateLimitError)) throw error;
 *   if (error.kind === "hourly") scheduleRetryAt(error.until);
 * }
 */
export class RateLimitError extends Error implements RateLimitErrorDetails {
  override readonly name = "RateLimitError";
  /** Always 420, the status the API answers over a limit with (also for a local refusal). */
  readonly status = 420;
  readonly kind: RateLimitKind;
  readonly until: Date;
  readonly limit: number | undefined;
  readonly remaining: number | undefined;
  readonly businessId: number | undefined;
  readonly local: boolean;
  readonly errors: components["schemas"]["ApiError"][];

  constructor(details: RateLimitErrorDetails) {
    super(describe(details));
    this.kind = details.kind;
    this.until = details.until;
    this.limit = details.limit;
    this.remaining = details.remaining;
    this.businessId = details.businessId;
    this.local = details.local;
    this.errors = details.errors;
  }
}

function describe(details: RateLimitErrorDetails): string {
  const business = details.businessId === undefined ? "" : ` for business ${details.businessId}`;
  const what =
    details.kind === "parallel"
      ? `too many parallel requests${business}${details.limit === undefined ? "" : ` (limit ${details.limit})`}`
      : `request quota spent${business}${details.limit === undefined ? "" : ` (limit ${details.limit} per window)`}`;
  const where = details.local ? "refused locally, not sent" : "HTTP 420";
  return `Rate limited: ${what}; ${where}; retry after ${details.until.toISOString()}`;
}
