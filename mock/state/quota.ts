/**
 * The resource quota of createChat: a fixed window of requests per business
 * (1,000 per hour in the contract's `x-rate-limit`), counted in memory.
 */
import { LAST_HTTP_DATE_MS, type Clock } from "./clock.js";

/** Options of {@link createQuota}. */
export interface QuotaOptions {
  /** Requests allowed per window; an integer >= 1 (the contract says 1000). */
  limit: number;
  /** Length of a window in ms; > 0 (the contract says one hour). */
  windowMs: number;
  /** Where "now" comes from. */
  clock: Clock;
}

/** One business's current window. */
export interface QuotaState {
  limit: number;
  /** Requests counted in this window, refused ones included; not capped at `limit`. */
  used: number;
  /** `max(0, limit - used)`: what `X-RateLimit-Resource-Remaining` says. */
  remaining: number;
  /** Epoch ms of the request that opened the window. */
  windowStart: number;
  /** Epoch ms when the window ends (`windowStart + windowMs`): what `X-RateLimit-Resource-Until` says. */
  until: number;
}

/** The outcome of counting one request. */
export interface QuotaDecision extends QuotaState {
  /** `used <= limit`: false means answer 420. */
  allowed: boolean;
}

/** Fixed-window request counters, one per business. */
export interface Quota {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts one request of the business and says whether it fits in the quota. */
  take(businessId: number): QuotaDecision;
  /** The business's current window, or undefined if none is open or it has ended. Counts nothing. */
  peek(businessId: number): QuotaState | undefined;
  /** Open windows, sorted by businessId. Forgets ended windows as a side effect. */
  snapshot(): Array<QuotaState & { businessId: number }>;
  /** Forgets every window. */
  reset(): void;
  /**
   * Windows held in memory now, ended ones not yet forgotten included. Each `take` forgets the
   * ended windows at the front, so this stays at about the businesses active in the last window.
   */
  size(): number;
}

interface Window {
  used: number;
  windowStart: number;
  until: number;
}

/**
 * Creates the fixed-window quota.
 *
 * A window opens at the business's first counted request (`windowStart = now`) and lasts
 * `windowMs`; from `now >= until` on, the next request opens a new window. Every request counts,
 * refused ones too, so a client that keeps calling past the limit stays refused until `until`
 * (it does not extend the window either). `used` is reported uncapped, so it shows how far past
 * the limit a client went; `remaining` never goes below 0.
 * If the clock is set back before `windowStart`, the window stays open until `until` as before.
 *
 * @example
 * const quota = createQuota({ limit: 1000, windowMs: parseDuration("1h"), clock });
 * const decision = quota.take(businessId);
 * if (!decision.allowed) return rateLimited(decision); // 420
 */
export function createQuota(options: QuotaOptions): Quota {
  const { limit, windowMs, clock } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`quota limit must be an integer >= 1, got ${String(limit)}`);
  }
  if (typeof windowMs !== "number" || !Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`quota windowMs must be a finite number of ms > 0, got ${String(windowMs)}`);
  }
  if (clock === undefined || typeof clock.now !== "function") {
    throw new TypeError("quota clock must be an object with a now() method");
  }
  if (clock.now() + windowMs > LAST_HTTP_DATE_MS) {
    throw new RangeError(
      `quota windowMs ${windowMs}: a window opened now would end after ${new Date(LAST_HTTP_DATE_MS).toISOString()}, the last instant an HTTP date can carry`,
    );
  }

  const windows = new Map<number, Window>();

  const stateOf = (window: Window): QuotaState => ({
    limit,
    used: window.used,
    remaining: Math.max(0, limit - window.used),
    windowStart: window.windowStart,
    until: window.until,
  });

  const openWindow = (businessId: number, now: number): Window | undefined => {
    const window = windows.get(businessId);
    if (window === undefined) return undefined;
    if (now >= window.until) {
      windows.delete(businessId);
      return undefined;
    }
    return window;
  };

  // A Map iterates in insertion order and a window is (re)inserted when it opens, so with a clock
  // that moves forward the oldest windows come first: dropping ended ones from the front keeps
  // memory bounded by the businesses active in the last window, at O(1) amortised per request.
  // After the clock is set back the order may be off; this then stops early and only forgets less.
  const forgetEndedWindows = (now: number): void => {
    for (const [businessId, window] of windows) {
      if (now < window.until) return;
      windows.delete(businessId);
    }
  };

  return {
    limit,
    windowMs,
    take(businessId: number): QuotaDecision {
      const now = clock.now();
      forgetEndedWindows(now);
      let window = openWindow(businessId, now);
      if (window === undefined) {
        window = { used: 0, windowStart: now, until: now + windowMs };
        windows.set(businessId, window);
      }
      window.used += 1;
      return { ...stateOf(window), allowed: window.used <= limit };
    },
    peek(businessId: number): QuotaState | undefined {
      const window = openWindow(businessId, clock.now());
      return window === undefined ? undefined : stateOf(window);
    },
    snapshot(): Array<QuotaState & { businessId: number }> {
      const now = clock.now();
      const open: Array<QuotaState & { businessId: number }> = [];
      for (const businessId of [...windows.keys()]) {
        const window = openWindow(businessId, now);
        if (window !== undefined) open.push({ businessId, ...stateOf(window) });
      }
      return open.sort((a, b) => a.businessId - b.businessId);
    },
    reset(): void {
      windows.clear();
    },
    size: () => windows.size,
  };
}
