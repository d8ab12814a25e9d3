/**
 * Injected faults in Redis, with the in-memory registry's rules (state/faults.ts): oldest first, the
 * first matching rule applies, `times` counted down across every replica and the rule dropped when
 * spent. `take` is one script, so a fault for k requests fires exactly k times however many replicas
 * ask at once. Match fields are kept as text, not JSON numbers, so ids up to 2^53 compare exactly in Lua.
 */
import { checkFaultRule, MAX_ACTIVE_FAULTS, registryFull, type ActiveFault, type FaultRegistry, type FaultRequest, type FaultRule } from "../faults.js";
import { StoreUnavailableError } from "../store-errors.js";
import type { Deferrable } from "../store.js";
import type { StoreConnection } from "./connection.js";
import type { StoreKeys } from "./keys.js";
import { LATE, script } from "./scripts.js";

export type RedisFaultRegistry = Deferrable<FaultRegistry> & {
  list(): Promise<ActiveFault[]>;
  take(request: FaultRequest): Promise<ActiveFault | undefined>;
};

export interface RedisFaultOptions {
  connection: StoreConnection;
  keys: StoreKeys;
  /**
   * How many faults were active at this process's last admission, if that is newer than its last
   * change of faults: none then means `take` need not ask Redis.
   */
  knownNone(): boolean;
  /** Called as a rule is added, before Redis has it. */
  adding(): void;
}

// KEYS: rules, matches, remaining, hits, order, sequence. ARGV: deadline, max, rule JSON after its id, match text, remaining.
const ADD = script(`
if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[2]) then return {'full'} end
local id = redis.call('INCR', KEYS[6])
redis.call('HSET', KEYS[1], id, '{"id":' .. int(id) .. ',' .. ARGV[3])
redis.call('HSET', KEYS[2], id, ARGV[4])
redis.call('HSET', KEYS[3], id, ARGV[5])
redis.call('HSET', KEYS[4], id, 0)
redis.call('ZADD', KEYS[5], id, id)
return {'added', id}
`);

// KEYS: rules, matches, remaining, hits, order. ARGV: deadline, businessId, operationId, context type ('' = unknown).
const TAKE = script(`
if late() then return {'${LATE}'} end
local ids = redis.call('ZRANGE', KEYS[5], 0, -1)
if #ids == 0 then return {'none'} end
local matches = redis.call('HMGET', KEYS[2], unpack(ids))
for i = 1, #ids do
  local b, o, c = string.match(matches[i] or '', '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)$')
  if b ~= nil and (b == '' or b == ARGV[2]) and (o == '' or o == ARGV[3]) and (c == '' or c == ARGV[4]) then
    local id = ids[i]
    local rule = redis.call('HGET', KEYS[1], id)
    local hits = redis.call('HINCRBY', KEYS[4], id, 1)
    local left = tonumber(redis.call('HGET', KEYS[3], id))
    if left >= 0 then
      left = left - 1
      if left == 0 then
        for k = 1, 4 do redis.call('HDEL', KEYS[k], id) end
        redis.call('ZREM', KEYS[5], id)
      else
        redis.call('HSET', KEYS[3], id, int(left))
      end
    end
    return {'hit', rule, hits, left}
  end
end
return {'none'}
`);

// KEYS: rules, remaining, hits, order.
const LIST = script(`
local ids = redis.call('ZRANGE', KEYS[4], 0, -1)
local out = {}
for i = 1, #ids do
  out[#out + 1] = redis.call('HGET', KEYS[1], ids[i])
  out[#out + 1] = redis.call('HGET', KEYS[2], ids[i])
  out[#out + 1] = redis.call('HGET', KEYS[3], ids[i])
end
return out
`);

/** The stored rule: everything but the counters, which live beside it. */
type StoredRule = Omit<ActiveFault, "remaining" | "hits">;

const withCounters = (json: string, remaining: number, hits: number): ActiveFault => {
  const { id, status, match, delayMs, kind } = JSON.parse(json) as StoredRule;
  const fault: ActiveFault = { id, status, remaining: remaining < 0 ? null : remaining, hits, match, delayMs };
  if (kind !== undefined) fault.kind = kind;
  return fault;
};

export function createRedisFaultRegistry(options: RedisFaultOptions): RedisFaultRegistry {
  const { connection, keys } = options;
  const state = [keys.faultRules, keys.faultMatches, keys.faultRemaining, keys.faultHits, keys.faultOrder];

  return {
    async add(rule: FaultRule) {
      const checked = checkFaultRule(rule);
      options.adding();
      const { status, match, delayMs, kind } = checked;
      const stored = JSON.stringify({ status, match, delayMs, ...(kind === undefined ? {} : { kind }) }).slice(1);
      const matchText = [match.businessId ?? "", match.operationId ?? "", match.contextType ?? ""].join("\t");
      const [verdict, id] = (await connection.call((c) =>
        ADD.run(c, [...state, keys.faultSequence], [0, MAX_ACTIVE_FAULTS, stored, matchText, checked.remaining ?? -1]),
      )) as [string, number];
      if (verdict === "full") throw registryFull();
      return { id, ...checked };
    },
    async take(request: FaultRequest) {
      if (options.knownNone()) return undefined;
      const reply = (await connection.call((c) =>
        TAKE.run(c, state, [connection.redisNow() + connection.timeoutMs / 2, request.businessId, request.operationId, request.contextType ?? ""]),
      )) as [string, string, number, number];
      if (reply[0] === LATE) throw new StoreUnavailableError(connection.location, "the fault check reached Redis after the timeout");
      if (reply[0] !== "hit") return undefined;
      return withCounters(reply[1], reply[3], reply[2]);
    },
    async list() {
      const flat = (await connection.call((c) => LIST.run(c, [keys.faultRules, keys.faultRemaining, keys.faultHits, keys.faultOrder], [0]))) as string[];
      const faults: ActiveFault[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) faults.push(withCounters(flat[i] as string, Number(flat[i + 1]), Number(flat[i + 2])));
      return faults;
    },
    async clear() {
      await connection.call((c) => c.del(...state));
    },
  };
}

/** The keys `reset` clears (the id counter stays: an old id never names a new rule). */
export function faultKeys(keys: StoreKeys): string[] {
  return [keys.faultRules, keys.faultMatches, keys.faultRemaining, keys.faultHits, keys.faultOrder];
}
