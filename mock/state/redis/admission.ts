/**
 * Quota windows and in-flight slots in Redis: `admit` is one script that counts the request in its
 * business's fixed window and, when the quota allows it, takes an in-flight lease, so replicas
 * never see half of it (one round trip). A lease expires by itself after `leaseMs`, so a replica
 * killed mid-request frees its slots in the end. The script also reads the shared clock offset
 * (the window is judged on the shared "now"), the operation's limits in force (the starting ones,
 * or what the control API set), the fixtures' version and the number of faults, for this process's
 * copy of them.
 */
import { randomUUID } from "node:crypto";
import type { QuotaDecision, QuotaState } from "../quota.js";
import { StoreUnavailableError } from "../store-errors.js";
import type { Admission, QuotaLimits } from "../store.js";
import type { StoreConnection } from "./connection.js";
import type { StoreKeys } from "./keys.js";
import { LATE, script } from "./scripts.js";

/** What the admission script saw besides its decision, for the caches. */
export interface AdmissionView {
  offsetMs: number;
  /** The limits the request was counted with. */
  limits: QuotaLimits;
  fixturesVersion: number;
  activeFaults: number;
}

export interface RedisAdmissionOptions {
  connection: StoreConnection;
  keys: StoreKeys;
  /** The operation's starting limits (used while the control API has set none). */
  startLimits(operationId: string): QuotaLimits;
  /** The limits as last seen, for reading a window without counting. */
  limits(operationId: string): QuotaLimits;
  parallelLimit: number | undefined;
  /** How long an in-flight lease lasts when its request never releases it, in ms. */
  leaseMs: number;
  /** This process's "now" before the shared offset (the base clock). */
  baseNow(): number;
  /** The cached "now" (base plus the offset last seen). */
  now(): number;
}

export interface RedisAdmission {
  admit(operationId: string, businessId: number): Promise<{ admission: Admission; view: AdmissionView }>;
  quotaWindow(operationId: string, businessId: number): Promise<QuotaState | undefined>;
  inFlight(businessId: number): Promise<number>;
}

// KEYS: clock, quota hash, quota ends, in-flight leases, fixtures version, fault order, quota limits.
// ARGV: deadline, base now, businessId, starting limit, starting windowMs, parallel limit (0 = none),
// lease id, lease ms, operationId.
// Like the in-memory quota: a window opens at the first request and lasts windowMs; every request
// counts, refused ones too; ended windows are forgotten a few per call (each call opens at most one).
const ADMIT = script(`
if late() then return {'${LATE}'} end
local offset = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[2]) + offset
local business = ARGV[3]
local limit, windowMs = tonumber(ARGV[4]), tonumber(ARGV[5])
local set = redis.call('HGET', KEYS[7], ARGV[9])
if set then
  local l, w = string.match(set, '^(%d+):(%d+)$')
  limit, windowMs = tonumber(l), tonumber(w)
end
local ended = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', int(now), 'LIMIT', 0, 4)
for i = 1, #ended do
  redis.call('HDEL', KEYS[2], ended[i])
  redis.call('ZREM', KEYS[3], ended[i])
end
local used, start, ends = 0, now, now + windowMs
local window = redis.call('HGET', KEYS[2], business)
if window then
  local u, s, e = string.match(window, '^(%d+):(-?%d+):(-?%d+)$')
  if now < tonumber(e) then used, start, ends = tonumber(u), tonumber(s), tonumber(e) end
end
if used == 0 then redis.call('ZADD', KEYS[3], int(ends), business) end
used = used + 1
redis.call('HSET', KEYS[2], business, int(used) .. ':' .. int(start) .. ':' .. int(ends))
local version = tonumber(redis.call('GET', KEYS[5]) or '0')
local faults = redis.call('ZCARD', KEYS[6])
local verdict = 'ok'
if used > limit then
  verdict = 'quota'
else
  local rnow = redis_ms()
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', int(rnow))
  local limit = tonumber(ARGV[6])
  if limit > 0 and redis.call('ZCARD', KEYS[4]) >= limit then
    verdict = 'parallel'
  else
    redis.call('ZADD', KEYS[4], int(rnow + tonumber(ARGV[8])), ARGV[7])
    redis.call('PEXPIRE', KEYS[4], ARGV[8])
  end
end
return {verdict, used, start, ends, offset, version, faults, limit, windowMs}
`);

// KEYS: in-flight leases. ARGV: deadline (unused).
const COUNT_IN_FLIGHT = script(`
return redis.call('ZCOUNT', KEYS[1], '(' .. int(redis_ms()), '+inf')
`);

export function createRedisAdmission(options: RedisAdmissionOptions): RedisAdmission {
  const { connection, keys, startLimits, limits, parallelLimit, leaseMs } = options;
  // Lease ids: unique to this process, so one replica's release never frees another's slot.
  const owner = randomUUID().slice(0, 8);
  let leases = 0;
  // Leases whose release met a store outage, by key: given back as soon as the store answers again,
  // so a business is not locked out until they expire (--store-lease) once Redis is back.
  const owed = new Map<string, Set<string>>();
  const giveBackLease = (key: string, lease: string): Promise<void> =>
    connection.call((c) => c.zrem(key, lease)).then(
      () => undefined,
      () => {
        let set = owed.get(key);
        if (set === undefined) owed.set(key, (set = new Set()));
        set.add(lease);
      },
    );
  connection.onRecovered(() => {
    const due = [...owed];
    owed.clear();
    for (const [key, set] of due) for (const lease of set) void giveBackLease(key, lease);
  });

  const decision = (limit: number, used: number, windowStart: number, until: number): QuotaDecision => ({
    limit,
    used,
    remaining: Math.max(0, limit - used),
    windowStart,
    until,
    allowed: used <= limit,
  });

  return {
    async admit(operationId, businessId) {
      const start = startLimits(operationId);
      const lease = `${owner}:${(leases += 1)}`;
      const reply = (await connection.call((c) =>
        ADMIT.run(
          c,
          [keys.clock, keys.quota(operationId), keys.quotaEnds(operationId), keys.inFlight(businessId), keys.fixturesVersion, keys.faultOrder, keys.quotaLimits],
          [connection.redisNow() + connection.timeoutMs / 2, options.baseNow(), businessId, start.limit, start.windowMs, parallelLimit ?? 0, lease, leaseMs, operationId],
        ),
      )) as [string, number, number, number, number, number, number, number, number];
      const [verdict, used, windowStart, until, offsetMs, fixturesVersion, activeFaults, limit, windowMs] = reply;
      if (verdict === LATE) throw new StoreUnavailableError(connection.location, "the admission reached Redis after the timeout");
      const quota = decision(limit, used, windowStart, until);
      const view = { offsetMs, limits: { limit, windowMs }, fixturesVersion, activeFaults };
      if (verdict !== "ok") return { admission: { admitted: false, quota, refusedBy: verdict === "quota" ? "quota" : "parallel" }, view };
      let released = false;
      const release = (): Promise<void> | undefined => {
        // Idempotent, and never a failure: a lease that cannot be given back now is given back
        // when the store answers again, and expires by itself if this process dies first.
        if (released) return undefined;
        released = true;
        const giveBack = giveBackLease(keys.inFlight(businessId), lease);
        // Without a limit nobody waits for the slot: the answer need not wait for it either.
        return parallelLimit === undefined ? undefined : giveBack;
      };
      return { admission: { admitted: true, quota, release }, view };
    },

    async quotaWindow(operationId, businessId) {
      const text = await connection.call((c) => c.hget(keys.quota(operationId), String(businessId)));
      if (text === null) return undefined;
      const [used, windowStart, until] = text.split(":").map(Number) as [number, number, number];
      if (options.now() >= until) return undefined;
      const { limit } = limits(operationId);
      return { limit, used, remaining: Math.max(0, limit - used), windowStart, until };
    },

    async inFlight(businessId) {
      return Number(await connection.call((c) => COUNT_IN_FLIGHT.run(c, [keys.inFlight(businessId)], [0])));
    },
  };
}
