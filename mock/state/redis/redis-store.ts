/**
 * The mock's state in Redis: a {@link MockStore} that several mock processes (replicas) share, so
 * they count one quota, hand out one sequence of chat, message and file ids, keep one set of chats
 * with their messages and files, and fire each fault once between them. Every piece of the
 * {@link MockStore} is in Redis: quota windows and the limits set at run time, in-flight leases,
 * chats, faults, the clock's offset, the fixtures in force and the journal. Each piece lives in its
 * own module (admission, chats, faults, journal, shared settings); this one
 * connects, puts them together, and holds the two changes that touch all of them at once
 * (`reset`, `replaceFixtures`), each one script so no request sees half of it.
 */
import { loadContract } from "../../contract/load-contract.js";
import { DEFAULT_MAX_CHATS, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_MESSAGES_PER_CHAT } from "../chats.js";
import { systemClock } from "../clock.js";
import { demoFixtures, indexFixtures, type Fixtures } from "../fixtures.js";
import { DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAPACITY } from "../journal.js";
import { DEFAULT_KEEP_FILE_BYTES, DEFAULT_MAX_KEPT_FILE_BYTES } from "../kept-files.js";
import type { MockStateOptions } from "../memory-state.js";
import { startingQuotaLimits } from "../starting-limits.js";
import type { Admission, MockStore, QuotaLimits, StoreHealth } from "../store.js";
import { createRedisAdmission } from "./admission.js";
import { chatKeys, createRedisChatStore, type RedisChatStore } from "./chats.js";
import { connectStore } from "./connection.js";
import { createRedisFaultRegistry, faultKeys, type RedisFaultRegistry } from "./faults.js";
import { DEFAULT_STORE_LEASE_MS, DEFAULT_STORE_PREFIX, DEFAULT_STORE_TIMEOUT_MS } from "./defaults.js";
import { createRedisJournal, journalKeys, type RedisJournal } from "./journal.js";
import { storeKeys, type StoreKeys } from "./keys.js";
import { checkStorePrefix, parseStoreUrl } from "./location.js";
import { script } from "./scripts.js";
import { joinSharedSettings } from "./shared-settings.js";

/** Options of {@link createRedisStore}: where Redis is, and the state's own options (as the in-memory state's). */
export interface RedisStoreOptions extends Omit<MockStateOptions, "store"> {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** Namespace of the keys, so mocks can share a server. Default `createchat-mock`. */
  prefix?: string;
  /** The longest one store call may take, in ms; past it the request is answered 500 STATE_STORE_UNAVAILABLE. Default 1 s. */
  timeoutMs?: number;
  /** How long an in-flight slot stays taken if its replica dies, in ms. Default 60 s. */
  leaseMs?: number;
  /** Id of the first chat. Default 1. */
  firstChatId?: number;
}

/** The Redis-backed state. */
export interface RedisStore extends MockStore {
  readonly chats: RedisChatStore;
  readonly faults: RedisFaultRegistry;
  readonly journal: RedisJournal;
  /** Where the state is, credentials left out, and under which prefix. */
  readonly location: string;
  readonly prefix: string;
  admit(operationId: string, businessId: number): Promise<Admission>;
  setQuotaLimits(operationId: string, limits: Partial<QuotaLimits> | undefined): Promise<QuotaLimits>;
  refresh(): Promise<void>;
  health(): Promise<StoreHealth>;
  /** Closes the connections; the state stays in Redis for the other replicas. */
  close(): Promise<void>;
}

// KEYS: fixtures, start fixtures, version, clock, then every key to delete. ARGV: deadline (unused), channel.
const RESET = script(`
local start = redis.call('GET', KEYS[2])
if start then redis.call('SET', KEYS[1], start) end
local version = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[4], '0')
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('PUBLISH', ARGV[2], 'clock 0')
redis.call('PUBLISH', ARGV[2], 'limits *')
redis.call('PUBLISH', ARGV[2], 'fixtures ' .. int(version))
return version
`);

// KEYS: fixtures, version, then every key to delete. ARGV: deadline (unused), channel, the fixtures' JSON.
const REPLACE_FIXTURES = script(`
redis.call('SET', KEYS[1], ARGV[3])
local version = redis.call('INCR', KEYS[2])
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('PUBLISH', ARGV[2], 'fixtures ' .. int(version))
return version
`);

/**
 * Connects to Redis and joins (or starts) the state under the prefix.
 *
 * @throws StoreStartError (rejection) when Redis cannot be reached within the timeout, or holds
 *   state of replicas started with other settings under the same prefix.
 * @example
 * const state = await createRedisStore({ url: "redis://127.0.0.1:6379/0", prefix: "staging" });
 * const app = createMockApp({ state });
 * // …
 * await state.close();
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const location = parseStoreUrl(options.url);
  const prefix = checkStorePrefix(options.prefix ?? DEFAULT_STORE_PREFIX);
  const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS, "timeoutMs");
  const leaseMs = positiveInteger(options.leaseMs ?? DEFAULT_STORE_LEASE_MS, "leaseMs");
  const contract = options.contract ?? loadContract();
  const baseClock = options.clock ?? systemClock;
  const startFixtures: Fixtures = options.fixtures ?? demoFixtures;
  const parallelLimit = options.parallelLimit;
  if (parallelLimit !== undefined) positiveInteger(parallelLimit, "parallelLimit");
  const bounds = {
    maxChats: options.maxChats ?? DEFAULT_MAX_CHATS,
    maxMessagesPerChat: options.maxMessagesPerChat ?? DEFAULT_MAX_MESSAGES_PER_CHAT,
    maxMessages: options.maxMessages ?? DEFAULT_MAX_MESSAGES,
    keepFileBytes: options.keepFileBytes ?? DEFAULT_KEEP_FILE_BYTES,
    maxKeptFileBytes: options.maxKeptFileBytes ?? DEFAULT_MAX_KEPT_FILE_BYTES,
    firstChatId: options.firstChatId ?? 1,
  };
  const journalCapacity = options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY;
  const journalBytes = options.journalMaxBytes ?? DEFAULT_JOURNAL_BYTES;
  // The limits each operation starts with, as the in-memory state has them, checked before any connection.
  const startLimits = new Map<string, QuotaLimits>(
    [...startingQuotaLimits(contract, options)].map(([operationId, { limit, windowMs }]) => [
      operationId,
      { limit: positiveInteger(limit, `quota of ${operationId}`), windowMs: positiveInteger(windowMs, `window of ${operationId}`) },
    ]),
  );
  const startOf = (operationId: string): QuotaLimits => {
    const found = startLimits.get(operationId);
    if (found === undefined) throw new RangeError(`no operation ${operationId} in the contract`);
    return found;
  };
  // Checked before connecting: a bad bound is the caller's mistake, not the store's.
  const chatsWithoutConnection = { maxChats: bounds.maxChats, maxMessagesPerChat: bounds.maxMessagesPerChat, maxMessages: bounds.maxMessages };
  for (const [name, value] of Object.entries(chatsWithoutConnection)) positiveInteger(value, name);
  positiveInteger(journalCapacity, "journalCapacity");
  positiveInteger(journalBytes, "journalMaxBytes");

  const connection = await connectStore({ location, timeoutMs, name: `createchat-mock:${prefix}` });
  const keys = storeKeys(prefix);
  try {
    const settings = await joinSharedSettings({
      connection,
      keys,
      baseClock,
      startFixtures,
      startLimits,
      agreed: { quotas: Object.fromEntries(startLimits), parallelLimit: parallelLimit ?? null, ...bounds, journalCapacity, journalMaxBytes: journalBytes },
    });
    const admission = createRedisAdmission({
      connection,
      keys,
      startLimits: startOf,
      limits: settings.quotaLimits,
      parallelLimit,
      leaseMs,
      baseNow: () => baseClock.now(),
      now: settings.clock.now,
    });
    // What the last admission said of the faults, unless this process added one since it was sent.
    let activeFaults = Number.POSITIVE_INFINITY;
    let faultChanges = 0;
    const faults = createRedisFaultRegistry({
      connection,
      keys,
      knownNone: () => activeFaults === 0,
      adding: () => {
        faultChanges += 1;
        activeFaults = Number.POSITIVE_INFINITY;
      },
    });
    const chats = createRedisChatStore({ connection, keys, ...bounds });
    const journal = createRedisJournal({ connection, keys, capacity: journalCapacity, maxBytes: journalBytes });
    const quotaKeys = (k: StoreKeys) => contract.operations.flatMap((op) => [k.quota(op.operationId), k.quotaEnds(op.operationId)]);

    return {
      location: location.label,
      prefix,
      clock: settings.clock,
      chats,
      faults,
      journal,
      parallelLimit,
      fixtures: settings.fixtures,
      quotaLimits: settings.quotaLimits,
      setQuotaLimits: settings.setQuotaLimits,
      async admit(operationId, businessId) {
        const changesBefore = faultChanges;
        const { admission: decided, view } = await admission.admit(operationId, businessId);
        if (changesBefore === faultChanges) activeFaults = view.activeFaults;
        settings.observeLimits(operationId, view.limits);
        // New fixtures are read before the request goes on, so its handler sees them; if they
        // cannot be, the request is not served, and its slot is given back rather than left to expire.
        try {
          await settings.observe(view.offsetMs, view.fixturesVersion);
        } catch (error) {
          if (decided.admitted) await decided.release();
          throw error;
        }
        return decided;
      },
      quotaWindow: admission.quotaWindow,
      inFlight: admission.inFlight,
      async replaceFixtures(fixtures) {
        const index = indexFixtures(fixtures);
        const version = await connection.call((c) =>
          REPLACE_FIXTURES.run(c, [keys.fixtures, keys.fixturesVersion, ...chatKeys(keys), ...quotaKeys(keys)], [0, keys.events, JSON.stringify(fixtures)]),
        );
        settings.adopt(Number(version), index);
      },
      async reset() {
        const version = await connection.call((c) =>
          RESET.run(
            c,
            [
              keys.fixtures,
              keys.startFixtures,
              keys.fixturesVersion,
              keys.clock,
              keys.quotaLimits,
              ...chatKeys(keys),
              ...faultKeys(keys),
              ...journalKeys(keys),
              ...quotaKeys(keys),
            ],
            [0, keys.events],
          ),
        );
        settings.adopt(Number(version), settings.startIndex, 0);
        settings.adoptStartLimits();
      },
      refresh: settings.refresh,
      health: connection.health,
      close: connection.close,
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be an integer >= 1, got ${String(value)}`);
  return value;
}
