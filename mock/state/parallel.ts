/**
 * The parallel-request limit of createChat: at most N requests of one business in flight at once
 * (4 in the contract's `x-rate-limit`); one more is answered 420.
 */

/** In-flight request counters, one per business. */
export interface ParallelLimiter {
  /** Requests of one business allowed in flight at once; undefined = no limit. */
  readonly limit: number | undefined;
  /**
   * Takes a slot for one request: returns its release function, or undefined when `limit`
   * requests of the business are already in flight. Release is idempotent.
   */
  tryAcquire(businessId: number): (() => void) | undefined;
  /** Requests of the business in flight now. */
  inFlight(businessId: number): number;
}

/**
 * Creates the limiter. Acquire and release are synchronous, so on Node's single-threaded event
 * loop the count is exact however many requests interleave: no check-then-act gap exists.
 * Counts are kept even when `limit` is undefined, so `inFlight` still reports them.
 *
 * @param limit an integer >= 1, or undefined (default) to switch the limit off.
 * @example
 * const release = limiter.tryAcquire(businessId);
 * if (release === undefined) return tooManyParallel(businessId); // 420
 * try { return await next(); } finally { release(); }
 */
export function createParallelLimiter(limit?: number): ParallelLimiter {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`parallel limit must be an integer >= 1 or undefined (off), got ${String(limit)}`);
  }
  // Only businesses with requests in flight have an entry, so the map stays small.
  const counts = new Map<number, number>();

  return {
    limit,
    tryAcquire(businessId: number): (() => void) | undefined {
      const current = counts.get(businessId) ?? 0;
      if (limit !== undefined && current >= limit) return undefined;
      counts.set(businessId, current + 1);
      let released = false;
      return function release(): void {
        // A second call (say from both a catch and a finally) must not free someone else's slot.
        if (released) return;
        released = true;
        const remaining = (counts.get(businessId) ?? 1) - 1;
        if (remaining <= 0) counts.delete(businessId);
        else counts.set(businessId, remaining);
      };
    },
    inFlight(businessId: number): number {
      return counts.get(businessId) ?? 0;
    },
  };
}
