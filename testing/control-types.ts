/**
 * The shapes the control API (`/__mock/*`) answers with, as the testing helpers return them.
 * Journal entries and faults are the mock's own types; the state snapshot is spelled out here
 * because the control API builds it inline (a test checks the two agree).
 */
import type { ActiveFault } from "../mock/faults.js";
import type { ChatContextKey } from "../mock/store.js";
import type { StoreModel } from "../mock/fixtures.js";

export type { ActiveFault, FaultMatch, FaultRule } from "../mock/faults.js";
export type { JournalEntry, JournalFilter } from "../mock/journal.js";
export type { Fixtures } from "../mock/fixtures.js";

/** One business in `GET /__mock/state`. */
export interface BusinessSnapshot {
  businessId: number;
  model: StoreModel;
  /** The quota window; `until` and `windowStart` are null before the business's first counted request. */
  quota: { used: number; remaining: number; until: string | null; windowStart: string | null };
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
  quota: { limit: number; windowMs: number };
  businesses: BusinessSnapshot[];
  faults: ActiveFault[];
  parallel: { limit: number | null };
}

/** What `POST /__mock/clock` answers: the new virtual time. */
export interface ClockMove {
  now: Date;
  clockOffsetMs: number;
}
