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
import { startingQuotaLimits } from "./starting-limits.js";
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
  /** Quota of single operations by operationId (e.g. `{ getChatHistory: { limit: 10 } }`); wins over `quota` and `windowMs`. */
  operationQuotas?: Record<string, Partial<QuotaLimits>>;
  /** Requests in flight per business, over all its operations; undefined = no limit. Default: off. */
  parallelLimit?: number;
  /** Journal size. Default 10,000. */
  journalCapacity?: number;
  /** Bytes the journal keeps at most (entries keep previews of large headers and bodies). Default 16 MiB. */
  journalMaxBytes?: number;
  /**
   * Chats kept at once when the state builds its own store (ignored with `store`); past it the
   * least recently used chat is forgotten. Default 10,000 (see DEFAULT_MAX_CHATS in chats.ts).
   */
  maxChats?: number;
  /** Messages a chat keeps, its newest (ignored with `store`). Default 1,000 (DEFAULT_MAX_MESSAGES_PER_CHAT). */
  maxMessagesPerChat?: number;
  /** Messages kept over all chats, the newest (ignored with `store`). Default 20,000 (DEFAULT_MAX_MESSAGES). */
  maxMessages?: number;
  /** Largest file whose bytes are kept, in bytes (ignored with `store`). Default 64 KiB (DEFAULT_KEEP_FILE_BYTES). */
  keepFileBytes?: number;
  /** File bytes kept at once in all (ignored with `store`). Default 16 MiB (DEFAULT_MAX_KEPT_FILE_BYTES). */
  maxKeptFileBytes?: number;
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
  setQuotaLimits(operationId: string, limits: Partial<QuotaLimits> | undefined): QuotaLimits;
  inFlight(businessId: number): number;
  replaceFixtures(fixtures: Fixtures): void;
  reset(): void;
}

/** Builds the state from options; every piece has a default. */
export function createMockState(options: MockStateOptions = {}): MockState {
  const contract = options.contract ?? loadContract();
  const startFixtures = indexFixtures(options.fixtures ?? demoFixtures);
  const clock = createControllableClock(options.clock);
  const chats =
    options.store ??
    createChatStore({
      maxChats: options.maxChats,
      maxMessagesPerChat: options.maxMessagesPerChat,
      maxMessages: options.maxMessages,
      keepFileBytes: options.keepFileBytes,
      maxKeptFileBytes: options.maxKeptFileBytes,
    });
  const parallel = createParallelLimiter(options.parallelLimit);
  const faults = createFaultRegistry();
  const journal = createJournal(options.journalCapacity, options.journalMaxBytes);
  // The limits each operation starts with, which reset() and setQuotaLimits(id, undefined) put back.
  const startLimits = startingQuotaLimits(contract, options);
  const quotas = new Map<string, Quota>([...startLimits].map(([id, limits]) => [id, createQuota({ ...limits, clock })]));
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
    setQuotaLimits(operationId, limits) {
      const current = quota(operationId);
      const start = startLimits.get(operationId) as QuotaLimits;
      const next = limits === undefined ? start : { limit: limits.limit ?? current.limit, windowMs: limits.windowMs ?? current.windowMs };
      // Built before it replaces the old one, so a bad limit leaves the quota in force as it was.
      quotas.set(operationId, createQuota({ ...next, clock }));
      return { ...next };
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
      for (const [id, limits] of startLimits) {
        const q = quota(id);
        // The same counters where the limits were never changed, so a test holding them keeps them.
        if (q.limit === limits.limit && q.windowMs === limits.windowMs) q.reset();
        else quotas.set(id, createQuota({ ...limits, clock }));
      }
      faults.clear();
      journal.clear();
      clock.reset();
    },
  };
}
