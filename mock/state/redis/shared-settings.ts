/**
 * What every replica must see alike and reads on every request without a round trip: the clock's
 * offset, the fixtures in force and the quota limits the control API set. Redis holds them; this
 * process keeps a copy, brought up to date by each admission (whose script reads the offset, the
 * fixtures' version and the limits it counted with), by each control call (`refresh`), and by the
 * messages other replicas publish when they move the clock, replace the fixtures or set a quota.
 * The settings that decide how requests are counted from the start (the starting quotas, parallel
 * limit, caps, starting fixtures) are written by the first replica; one that disagrees refuses to start.
 */
import { createHash } from "node:crypto";
import { LAST_HTTP_DATE_MS, type Clock } from "../clock.js";
import { indexFixtures, type FixtureIndex, type Fixtures } from "../fixtures.js";
import { StoreStartError } from "../store-errors.js";
import type { QuotaLimits, StoreClock } from "../store.js";
import type { StoreConnection } from "./connection.js";
import type { StoreKeys } from "./keys.js";
import { script } from "./scripts.js";

/** The settings replicas of one prefix must share, by name; compared as JSON. */
export type AgreedSettings = Readonly<Record<string, unknown>>;

export interface SharedSettingsOptions {
  connection: StoreConnection;
  keys: StoreKeys;
  /** Base time; the shared offset is added to it. */
  baseClock: Clock;
  startFixtures: Fixtures;
  /** Each operation's quota at the start (what `reset` and `setQuotaLimits(id, undefined)` put back). */
  startLimits: ReadonlyMap<string, QuotaLimits>;
  agreed: AgreedSettings;
}

export interface SharedSettings {
  /** `now()` reads the cached offset; moving it writes Redis and tells the other replicas. */
  readonly clock: StoreClock;
  /** The fixtures in force, as last seen. */
  fixtures(): FixtureIndex;
  /** The starting fixtures (what `reset` restores), indexed. */
  readonly startIndex: FixtureIndex;
  /** An admission's view of the offset and the fixtures' version; resolves once this copy is as current. */
  observe(offsetMs: number, version: number): Promise<void> | undefined;
  /** Takes a version this process wrote itself (replace, reset) without reading it back. */
  adopt(version: number, fixtures: FixtureIndex, offsetMs?: number): void;
  /** Reads the offset, the version and the quota limits, and the fixtures when they changed: one round trip, two on a change. */
  refresh(): Promise<void>;
  /** The operation's quota as last seen; RangeError for an operation the contract does not have. */
  quotaLimits(operationId: string): QuotaLimits;
  /** What an admission counted with: the operation's limits in Redis at that moment. */
  observeLimits(operationId: string, limits: QuotaLimits): void;
  /** Sets one operation's quota for every replica (its windows start over); `undefined` puts back the starting one. */
  setQuotaLimits(operationId: string, limits: Partial<QuotaLimits> | undefined): Promise<QuotaLimits>;
  /** After a reset this process made: every quota back to the starting one. */
  adoptStartLimits(): void;
}

// Sets (or adds to) the offset and tells the other replicas in the same step.
const MOVE_CLOCK = script(`
local offset
if ARGV[2] == 'add' then offset = redis.call('INCRBY', KEYS[1], ARGV[3])
else redis.call('SET', KEYS[1], ARGV[3]); offset = tonumber(ARGV[3]) end
redis.call('PUBLISH', ARGV[4], 'clock ' .. int(offset))
return offset
`);

// The first replica writes the settings and the fixtures; a later one reads what is there. One
// step, so two replicas starting together cannot both think they came first.
// A Redis restarted without persistence comes back empty: the next replica to reach it writes them anew.
// It also says whether the fixtures in force are the starting ones, so a replica need not read them back.
const JOIN = script(`
local stored = redis.call('GET', KEYS[1])
if stored then
  local version = tonumber(redis.call('GET', KEYS[4]) or '0')
  local same = redis.call('GET', KEYS[3]) == ARGV[3] and 1 or 0
  return {'joined', stored, version, same}
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[3])
return {'created', ARGV[2], redis.call('INCR', KEYS[4]), 1}
`);

// KEYS: quota limits, the operation's windows, its window ends. ARGV: deadline (unused), operationId,
// 'set' | 'start', limit or '', windowMs or '', the starting limit, the starting window, channel.
// The windows go in the same step, so no request is counted on the new limit in an old window.
const SET_LIMITS = script(`
local limit, window = tonumber(ARGV[6]), tonumber(ARGV[7])
if ARGV[3] == 'start' then
  redis.call('HDEL', KEYS[1], ARGV[2])
else
  local current = redis.call('HGET', KEYS[1], ARGV[2])
  if current then
    local l, w = string.match(current, '^(%d+):(%d+)$')
    limit, window = tonumber(l), tonumber(w)
  end
  if ARGV[4] ~= '' then limit = tonumber(ARGV[4]) end
  if ARGV[5] ~= '' then window = tonumber(ARGV[5]) end
  redis.call('HSET', KEYS[1], ARGV[2], int(limit) .. ':' .. int(window))
end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[8], 'limits ' .. ARGV[2] .. ' ' .. int(limit) .. ' ' .. int(window))
return {limit, window}
`);

// What refresh reads, in one step: the offset, the fixtures' version, the quota limits set.
const READ_SHARED = script(`
return {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[3])}
`);

export async function joinSharedSettings(options: SharedSettingsOptions): Promise<SharedSettings> {
  const { connection, keys, baseClock } = options;
  const startJson = JSON.stringify(options.startFixtures);
  const agreed = { ...options.agreed, startFixtures: createHash("sha256").update(startJson).digest("hex").slice(0, 16) };
  const join = async () => {
    const [how, stored, atVersion, same] = (await connection.call((c) =>
      JOIN.run(c, [keys.config, keys.startFixtures, keys.fixtures, keys.fixturesVersion], [0, JSON.stringify(agreed), startJson]),
    )) as [string, string, number, number];
    return { created: how === "created", stored, atVersion, same: same === 1 };
  };
  const joined = await join();
  checkAgreement(agreed, joined.stored, connection.location, keys.prefix);

  const startIndex = indexFixtures(options.startFixtures);
  const { startLimits } = options;
  // The limits set through the control API, by operation; absent = the starting ones.
  let setLimits = new Map<string, QuotaLimits>();
  const startOf = (operationId: string): QuotaLimits => {
    const found = startLimits.get(operationId);
    if (found === undefined) throw new RangeError(`no operation ${operationId} in the contract`);
    return found;
  };
  const sameAsStart = (operationId: string, limits: QuotaLimits) => {
    const start = startOf(operationId);
    return start.limit === limits.limit && start.windowMs === limits.windowMs;
  };
  const observeLimits = (operationId: string, limits: QuotaLimits) => {
    if (!startLimits.has(operationId)) return;
    if (sameAsStart(operationId, limits)) setLimits.delete(operationId);
    else setLimits.set(operationId, { limit: limits.limit, windowMs: limits.windowMs });
  };
  let offset = 0;
  // The starting fixtures in force: no need to read back what this process already holds.
  let version = joined.same ? joined.atVersion : 0;
  let index = startIndex;
  let reloading: Promise<void> | undefined;
  let wanted = 0;

  const reload = (): Promise<void> => {
    reloading ??= (async () => {
      try {
        // One command for both, so the version read is the version of the text read.
        const [v, text] = await connection.call((c) => c.mget(keys.fixturesVersion, keys.fixtures));
        const seen = Number(v ?? 0);
        if (seen > version && text !== null && text !== undefined) {
          index = indexFixtures(JSON.parse(text) as Fixtures);
          version = seen;
        }
      } finally {
        reloading = undefined;
      }
      if (wanted > version) await reload();
    })();
    return reloading;
  };

  const observeVersion = (seen: number): Promise<void> | undefined => {
    if (seen <= version) return undefined;
    wanted = Math.max(wanted, seen);
    return reload();
  };

  const move = async (mode: "set" | "add", ms: number) => {
    const reply = await connection.call((c) => MOVE_CLOCK.run(c, [keys.clock], [0, mode, Math.trunc(ms), keys.events]));
    offset = Number(reply);
  };

  const settings: SharedSettings = {
    clock: {
      now: () => baseClock.now() + offset,
      offsetMs: () => offset,
      advance(ms) {
        assertFinite(ms, "advance(ms)");
        if (ms < 0) throw new RangeError(`advance(ms): time only moves forward here, got ${ms} ms (use set() to go back)`);
        return move("add", ms);
      },
      set(epochMs) {
        assertFinite(epochMs, "set(epochMs)");
        return move("set", epochMs - baseClock.now());
      },
      reset: () => move("set", 0),
    },
    fixtures: () => index,
    startIndex,
    observe(offsetMs, seen) {
      offset = offsetMs;
      return observeVersion(seen);
    },
    adopt(seen, fixtures, offsetMs) {
      if (seen > version) {
        version = seen;
        index = fixtures;
      }
      if (offsetMs !== undefined) offset = offsetMs;
    },
    async refresh() {
      const [o, v, flat] = (await connection.call((c) => READ_SHARED.run(c, [keys.clock, keys.fixturesVersion, keys.quotaLimits], [0]))) as [string, string, string[]];
      offset = Number(o);
      const read = new Map<string, QuotaLimits>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [limit, windowMs] = (flat[i + 1] as string).split(":").map(Number) as [number, number];
        if (startLimits.has(flat[i] as string)) read.set(flat[i] as string, { limit, windowMs });
      }
      setLimits = read;
      await observeVersion(Number(v));
    },
    quotaLimits(operationId) {
      const found = setLimits.get(operationId) ?? startOf(operationId);
      return { limit: found.limit, windowMs: found.windowMs };
    },
    observeLimits,
    async setQuotaLimits(operationId, limits) {
      const start = startOf(operationId);
      // The in-memory quota's own checks (state/quota.ts), so a bad limit is refused alike, before anything changes.
      if (limits?.limit !== undefined && (!Number.isSafeInteger(limits.limit) || limits.limit < 1)) {
        throw new RangeError(`quota limit must be an integer >= 1, got ${String(limits.limit)}`);
      }
      const windowMs = limits?.windowMs;
      if (windowMs !== undefined) {
        if (typeof windowMs !== "number" || !Number.isSafeInteger(windowMs) || windowMs <= 0) {
          throw new RangeError(`quota windowMs must be a whole number of ms > 0, got ${String(windowMs)}`);
        }
        if (settings.clock.now() + windowMs > LAST_HTTP_DATE_MS) {
          throw new RangeError(
            `quota windowMs ${windowMs}: a window opened now would end after ${new Date(LAST_HTTP_DATE_MS).toISOString()}, the last instant an HTTP date can carry`,
          );
        }
      }
      const reply = (await connection.call((c) =>
        SET_LIMITS.run(
          c,
          [keys.quotaLimits, keys.quota(operationId), keys.quotaEnds(operationId)],
          [0, operationId, limits === undefined ? "start" : "set", limits?.limit ?? "", windowMs ?? "", start.limit, start.windowMs, keys.events],
        ),
      )) as [number, number];
      const next = { limit: Number(reply[0]), windowMs: Number(reply[1]) };
      observeLimits(operationId, next);
      return { ...next };
    },
    adoptStartLimits() {
      setLimits = new Map();
    },
  };

  await connection.subscribe(keys.events, (message) => {
    const [kind, value] = message.split(" ");
    const number = Number(value);
    if (kind === "limits") {
      // `limits <operationId> <limit> <windowMs>`, or `limits *` after a reset.
      const [, operationId, limit, windowMs] = message.split(" ");
      if (operationId === "*") setLimits = new Map();
      else if (operationId !== undefined) observeLimits(operationId, { limit: Number(limit), windowMs: Number(windowMs) });
      return;
    }
    if (!Number.isSafeInteger(number)) return;
    if (kind === "clock") offset = number;
    // A failed reload is retried by the next admission or control call, which see the version too.
    else if (kind === "fixtures") observeVersion(number)?.catch(() => undefined);
  });
  // Messages published while this process was cut off are lost: read the values themselves. A
  // Redis that came back empty starts the versions again: forget the one seen, and write the settings anew.
  connection.onRecovered(() => {
    void join()
      .then(({ created }) => {
        if (created) version = wanted = 0;
        return settings.refresh();
      })
      .catch(() => undefined);
  });
  await settings.refresh();
  return settings;
}

function checkAgreement(ours: AgreedSettings, storedJson: string, location: string, prefix: string): void {
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(storedJson) as Record<string, unknown>;
  } catch {
    throw new StoreStartError(`the state store ${location} holds under prefix ${prefix} something that is not this mock's settings`);
  }
  for (const name of new Set([...Object.keys(ours), ...Object.keys(stored)])) {
    const here = JSON.stringify(ours[name]);
    const there = JSON.stringify(stored[name]);
    if (here !== there) {
      throw new StoreStartError(
        `the state store ${location} serves replicas with other settings under prefix ${prefix}: ` +
          `${name} is ${there ?? "unset"} there and ${here ?? "unset"} here; start every replica with the same options, or use another --store-prefix`,
      );
    }
  }
}

function assertFinite(value: number, what: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${what}: expected a finite number of milliseconds, got ${String(value)}`);
  }
}
