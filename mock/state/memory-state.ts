/**
 * The mock's state in this process's memory: the default {@link MockStore}. Every call answers at
 * once, and on Node's single thread each is atomic by construction. Tests can build one, hand it
 * to `createMockApp`, and drive time and data directly.
 */
import { loadContract, type Contract } from "../contract/load-contract.js";
import { createChatStore, type ChatStore } from "./chats.js";
import { createControllableClock, type Clock, type ControllableClock } from "./clock.js";
import { createFaultRegistry, type FaultRegistry } from "./faults.js";
import { demoFixtures, indexFixtures, type FixtureIndex, type Fixtures } from "./fixtures.js";
import { createJournal, type Journal } from "./journal.js";
import { createParallelLimiter } from "./parallel.js";
import { createQuota, type Quota } from "./quota.js";
import type { Admission, MockStore, QuotaLimits } from "./store.js";

export interface MockStateOptions {
  /** The contract whose operations are counted; default: this package's openapi.yaml. */
  contract?: Contract;
  /** Tokens and businesses. Default: the demo fixtures. */
  fixtures?: Fixtures;
  /** Base time source; the state wraps it in a clock the control API can move. Default: system time. */
  clock?: Clock;
  /** Where chats live. Default: a new in-memory store. */
  store?: ChatStore;
  /** Requests per window per business, for every operation. Default: each operation's `x-rate-limit.requests`. */
  quota?: number;
  /** Window length in ms, for every operation. Default: each operation's `x-rate-limit.period`. */
  windowMs?: number;
  /** Quota of single operations by operationId; wins over `quota` and `windowMs`. */
  operationQuotas?: Record<string, Partial<QuotaLimits>>;
  /** Requests in flight per business, over all its operations; undefined = no limit. Default: off. */
  parallelLimit?: number;
  /** Journal size. Default 10,000. */
  journalCapacity?: number;
  /**
   * Chats kept at once when the state builds its own store (ignored with `store`); past it the
   * least recently used chat is forgotten. Default 10,000 (see DEFAULT_MAX_CHATS in chats.ts).
   */
  maxChats?: number;
}

/** The in-memory state: a {@link MockStore} whose every answer is immediate. */
export interface MockState extends MockStore {
  readonly clock: ControllableClock;
  readonly chats: ChatStore;
  readonly faults: FaultRegistry;
  readonly journal: Journal;
  /** The fixed-window counters of one operation. */
  quota(operationId: string): Quota;
  admit(operationId: string, businessId: number): Admission;
  inFlight(businessId: number): number;
  replaceFixtures(fixtures: Fixtures): void;
  reset(): void;
}

/** Builds the state from options; every piece has a default. */
export function createMockState(options: MockStateOptions = {}): MockState {
  const contract = options.contract ?? loadContract();
  const startFixtures = indexFixtures(options.fixtures ?? demoFixtures);
  const clock = createControllableClock(options.clock);
  const chats = options.store ?? createChatStore({ maxChats: options.maxChats });
  const parallel = createParallelLimiter(options.parallelLimit);
  const faults = createFaultRegistry();
  const journal = createJournal(options.journalCapacity);
  const quotas = new Map<string, Quota>(
    contract.operations.map((operation) => {
      const own = options.operationQuotas?.[operation.operationId];
      const limit = own?.limit ?? options.quota ?? operation.rateLimit.requests;
      const windowMs = own?.windowMs ?? options.windowMs ?? operation.rateLimit.periodMs;
      return [operation.operationId, createQuota({ limit, windowMs, clock })];
    }),
  );
  const quota = (operationId: string): Quota => {
    const found = quotas.get(operationId);
    if (found === undefined) throw new RangeError(`no operation ${operationId} in the contract`);
    return found;
  };
  let current: FixtureIndex = startFixtures;

  return {
    clock,
    chats,
    faults,
    journal,
    parallelLimit: parallel.limit,
    fixtures: () => current,
    quota,
    quotaLimits: (operationId) => {
      const { limit, windowMs } = quota(operationId);
      return { limit, windowMs };
    },
    admit(operationId, businessId) {
      const decision = quota(operationId).take(businessId);
      if (!decision.allowed) return { admitted: false, quota: decision, refusedBy: "quota" };
      const release = parallel.tryAcquire(businessId);
      if (release === undefined) return { admitted: false, quota: decision, refusedBy: "parallel" };
      return { admitted: true, quota: decision, release };
    },
    quotaWindow: (operationId, businessId) => quota(operationId).peek(businessId),
    inFlight: (businessId) => parallel.inFlight(businessId),
    replaceFixtures(fixtures) {
      current = indexFixtures(fixtures);
      chats.reset();
      for (const q of quotas.values()) q.reset();
    },
    reset() {
      current = startFixtures;
      chats.reset();
      for (const q of quotas.values()) q.reset();
      faults.clear();
      journal.clear();
      clock.reset();
    },
  };
}
