/**
 * What the stages and the control API need from the mock's state, as one interface: quota
 * counters, in-flight slots, chats, faults, the clock's offset, the fixtures in force and the
 * journal. The in-memory state (state/memory-state.ts) answers at once; a networked store answers
 * with promises, so every caller awaits. A request's quota count and in-flight slot are taken in
 * one call ({@link MockStore.admit}), so a networked store can make them one atomic round trip.
 * What every request reads without waiting (the clock, the fixtures, the quota limits) a networked
 * store answers from a copy it keeps current (state/redis/shared-settings.ts).
 */
import type { ChatStore } from "./chats.js";
import type { Clock } from "./clock.js";
import type { FaultRegistry } from "./faults.js";
import type { FixtureIndex, Fixtures } from "./fixtures.js";
import type { Journal } from "./journal.js";
import type { QuotaDecision, QuotaState } from "./quota.js";

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

/** The same interface with every method allowed to answer later: what a networked store implements. */
export type Deferrable<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => MaybePromise<R> : T[K];
};

/** The quota an operation is counted against: `limit` requests per `windowMs` per business. */
export interface QuotaLimits {
  limit: number;
  windowMs: number;
}

/** The outcome of admitting one counted request. */
export type Admission =
  | { admitted: true; quota: QuotaDecision; release(): MaybePromise<void> }
  /** `quota`: the window's requests are spent; `parallel`: the business has `limit` requests in flight. */
  | { admitted: false; quota: QuotaDecision; refusedBy: "quota" | "parallel" };

/**
 * The mock's clock as the stages and the control API use it: `now()` answers at once (a networked
 * store reads a cached offset), moving it may answer later (it is shared by every replica).
 */
export interface StoreClock extends Clock {
  /** Moves the clock forward by `ms` (finite, >= 0). */
  advance(ms: number): MaybePromise<void>;
  /** Jumps to an absolute instant; may go back. */
  set(epochMs: number): MaybePromise<void>;
  /** Back to the base time (offset 0). */
  reset(): MaybePromise<void>;
  /** The current offset from the base time, in ms. */
  offsetMs(): number;
}

/** What `health()` tells of the store: whether it can answer now, and where it is (never its credentials). */
export interface StoreHealth {
  kind: string;
  /** Where the state is, e.g. `redis://127.0.0.1:6379/0`; no credentials. */
  location?: string;
  available: boolean;
  /** Why it is not available. */
  reason?: string;
}

/** The mock's state, whatever holds it. */
export interface MockStore {
  /** "Now" for the mock; the control API moves it. */
  readonly clock: StoreClock;
  /** The fixtures in force now. */
  fixtures(): FixtureIndex;
  /** Puts new fixtures in force; chats and quota windows of the old data are dropped with them. */
  replaceFixtures(fixtures: Fixtures): MaybePromise<void>;
  /** The quota of an operation (the contract's `x-rate-limit`, or what the options or the control API set). */
  quotaLimits(operationId: string): QuotaLimits;
  /**
   * Sets one operation's quota from now on (its windows start over); `undefined` puts back the one
   * the mock started with. Throws RangeError for an unknown operation or a bad limit.
   */
  setQuotaLimits(operationId: string, limits: Partial<QuotaLimits> | undefined): MaybePromise<QuotaLimits>;
  /** Requests of one business allowed in flight at once, over all its operations; undefined = no limit. */
  readonly parallelLimit: number | undefined;
  /**
   * Counts one request of the business against the operation's quota and, when the quota allows
   * it, takes an in-flight slot of the business: one step, so no other request sees half of it.
   */
  admit(operationId: string, businessId: number): MaybePromise<Admission>;
  /** The business's open window of an operation, or undefined. Counts nothing. */
  quotaWindow(operationId: string, businessId: number): MaybePromise<QuotaState | undefined>;
  /** Requests of the business in flight now. */
  inFlight(businessId: number): MaybePromise<number>;
  readonly chats: Deferrable<ChatStore>;
  readonly faults: Deferrable<FaultRegistry>;
  readonly journal: Deferrable<Journal>;
  /** Everything back to start: the starting fixtures, no chats, fresh quota with the starting limits, empty journal, no faults, real time. */
  reset(): MaybePromise<void>;
  /**
   * Brings what a shared store caches in this process (the clock's offset, the fixtures in force,
   * the quota limits) up to date; the control API calls it first. Absent: nothing is cached (the in-memory state).
   */
  refresh?(): MaybePromise<void>;
  /** Whether the store can answer now, for `GET /__mock/health`. Absent: always (the in-memory state). */
  health?(): MaybePromise<StoreHealth>;
}
