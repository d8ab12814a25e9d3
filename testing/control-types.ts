/**
 * The shapes the control API (`/__mock/*`) answers with, as the testing helpers return them.
 * Journal entries and faults are the mock's own types; the state snapshot is spelled out here
 * because the control API builds it inline (a test checks the two agree).
 */
import type { ActiveFault } from "../mock/state/faults.js";
import type { ChatContextKey } from "../mock/state/chats.js";
import type { StoreModel } from "../mock/state/fixtures.js";

export type { ActiveFault, FaultMatch, FaultRule } from "../mock/state/faults.js";
export type { JournalEntry, JournalFilter } from "../mock/state/journal.js";
export type { Fixtures } from "../mock/state/fixtures.js";

/** A quota window of one business; instants in ISO 8601, null before the business's first counted request. */
export interface QuotaWindowSnapshot {
  used: number;
  remaining: number;
  /** When the window ends, rounded up to the second as `X-RateLimit-Resource-Until` says it. */
  until: string | null;
  windowStart: string | null;
}

/** One business in `GET /__mock/state`. */
export interface BusinessSnapshot {
  businessId: number;
  model: StoreModel;
  /** The quota window of the first operation, createChat (`quotas` has every operation's). */
  quota: QuotaWindowSnapshot;
  /** The quota window of each operation, by operationId. */
  quotas: Record<string, QuotaWindowSnapshot>;
  /** Requests of the business in flight now. */
  inFlight: number;
  chats: Array<{ chatId: number; context: ChatContextKey; createdAt: string }>;
}

/** `GET /__mock/state`: the mock's clock, quota settings, businesses and faults. */
export interface MockStateSnapshot {
  /** The mock's (virtual) time, ISO 8601. */
  now: string;
  /** How far the virtual clock is from the real one, in ms. */
  clockOffsetMs: number;
  /** The quota of the first operation, createChat. */
  quota: { limit: number; windowMs: number };
  /** The quota of each operation, by operationId. */
  operations: Record<string, { limit: number; windowMs: number }>;
  businesses: BusinessSnapshot[];
  faults: ActiveFault[];
  parallel: { limit: number | null };
}

/** What `POST /__mock/clock` answers: the new virtual time. */
export interface ClockMove {
  now: Date;
  clockOffsetMs: number;
}
