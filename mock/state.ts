/**
 * The mock's mutable world in one object: the clock, the fixtures, the chats, the quota, the
 * in-flight slots, the faults and the journal. The app and the control API share it; tests can
 * build one, hand it to `createMockApp`, and drive time and data directly.
 */
import { createControllableClock, type Clock, type ControllableClock } from "./clock.js";
import { createFaultRegistry, type FaultRegistry } from "./faults.js";
import { demoFixtures, indexFixtures, type FixtureIndex, type Fixtures } from "./fixtures.js";
import { createJournal, type Journal } from "./journal.js";
import { createParallelLimiter, type ParallelLimiter } from "./parallel.js";
import { createQuota, type Quota } from "./quota.js";
import { createChatStore, type ChatStore } from "./store.js";

export interface MockStateOptions {
  /** Tokens and businesses. Default: the demo fixtures. */
  fixtures?: Fixtures;
  /** Base time source; the state wraps it in a clock the control API can move. Default: system time. */
  clock?: Clock;
  /** Where chats live. Default: a new in-memory store. */
  store?: ChatStore;
  /** Requests per window per business. Default 1000. */
  quota?: number;
  /** Window length in ms. Default one hour. */
  windowMs?: number;
  /** Requests in flight per business; undefined = no limit. Default: off. */
  parallelLimit?: number;
  /** Journal size. Default 10,000. */
  journalCapacity?: number;
  /**
   * Chats kept at once when the state builds its own store (ignored with `store`); past it the
   * least recently used chat is forgotten. Default 10,000 (see DEFAULT_MAX_CHATS in store.ts).
   */
  maxChats?: number;
}

export interface MockState {
  readonly clock: ControllableClock;
  readonly chats: ChatStore;
  readonly quota: Quota;
  readonly parallel: ParallelLimiter;
  readonly faults: FaultRegistry;
  readonly journal: Journal;
  /** The fixtures in force now (replaceable at run time). */
  fixtures(): FixtureIndex;
  /** Puts new fixtures in force; chats and quota windows of the old data are dropped with them. */
  replaceFixtures(fixtures: Fixtures): void;
  /** Everything back to start: the starting fixtures, no chats, fresh quota, empty journal, no faults, real time. */
  reset(): void;
}

export const DEFAULT_QUOTA = 1000;
export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

/** Builds the state from options; every piece has a default. */
export function createMockState(options: MockStateOptions = {}): MockState {
  const startFixtures = indexFixtures(options.fixtures ?? demoFixtures);
  const clock = createControllableClock(options.clock);
  const chats = options.store ?? createChatStore({ maxChats: options.maxChats });
  const quota = createQuota({ limit: options.quota ?? DEFAULT_QUOTA, windowMs: options.windowMs ?? DEFAULT_WINDOW_MS, clock });
  const parallel = createParallelLimiter(options.parallelLimit);
  const faults = createFaultRegistry();
  const journal = createJournal(options.journalCapacity);
  let current = startFixtures;

  return {
    clock,
    chats,
    quota,
    parallel,
    faults,
    journal,
    fixtures: () => current,
    replaceFixtures(fixtures) {
      current = indexFixtures(fixtures);
      chats.reset();
      quota.reset();
    },
    reset() {
      current = startFixtures;
      chats.reset();
      quota.reset();
      faults.clear();
      journal.clear();
      clock.reset();
    },
  };
}
