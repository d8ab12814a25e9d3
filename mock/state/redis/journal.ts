/**
 * The request journal in Redis: a stream whose entry ids are the journal's ids (one counter for
 * every replica), capped in entries (`capacity`, like the in-memory ring) and in bytes (`maxBytes`),
 * the oldest entries dropped first and the newest always kept. `record` is one script (the id, the
 * entry and the trimming in one step) and never fails: the journal tells what happened, and a store
 * outage must not turn an answer into another one. What the in-memory journal defers (the ISO time,
 * the redacted headers) is made here, before the entry leaves the process.
 *
 * Each stream entry carries its businessId and status beside its JSON, so `page` filters in the
 * script without decoding JSON; a stream entry cannot be rewritten, so an amended answer is kept in
 * a hash beside the stream (`status json`), read in its place and dropped with its entry.
 */
import type { Journal, JournalEntry, JournalFilter, JournalInput, JournalPage, JournalPageQuery } from "../journal.js";
import type { StoreConnection } from "./connection.js";
import type { StoreKeys } from "./keys.js";
import { script } from "./scripts.js";

export type RedisJournal = {
  readonly capacity: number;
  readonly maxBytes: number;
  record(entry: JournalInput): Promise<number>;
  list(filter?: JournalFilter): Promise<JournalEntry[]>;
  page(query?: JournalPageQuery): Promise<JournalPage>;
  amend(id: number, answer: { status: number; response: JournalEntry["response"] }): Promise<boolean>;
  clear(): Promise<void>;
  size(): Promise<number>;
  bytes(): Promise<number>;
  /** Entries this process could not write (the store was down), since it started. */
  lost(): number;
};

// Checked at compile time: what the pipeline and the control API take.
type _Fits = RedisJournal extends { [K in keyof Journal]: unknown } ? true : never;
const _fits: _Fits = true;
void _fits;

export interface RedisJournalOptions {
  connection: StoreConnection;
  keys: StoreKeys;
  capacity: number;
  maxBytes: number;
}

// Trims the oldest entries (and their amended answers) while past either cap, keeping the newest.
const TRIM = `
local function trim(stream, bytesKey, amended, capacity, cap)
  local bytes = tonumber(redis.call('GET', bytesKey) or '0')
  local count = redis.call('XLEN', stream)
  while count > 1 and (count > capacity or bytes > cap) do
    local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', stream, oldest[1])
    local size = #oldest[2][6]
    local id = string.match(oldest[1], '^(%d+)-')
    local answer = redis.call('HGET', amended, id)
    if answer then
      size = size + #answer
      redis.call('HDEL', amended, id)
    end
    bytes = redis.call('DECRBY', bytesKey, size)
    count = count - 1
  end
end
`;

// KEYS: stream, sequence, bytes, amended. ARGV: deadline (unused), entry JSON (without its id), capacity, byte cap, businessId or '', status.
const RECORD = script(`${TRIM}
local id = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], int(id) .. '-1', 'b', ARGV[5], 's', ARGV[6], 'e', ARGV[2])
redis.call('INCRBY', KEYS[3], #ARGV[2])
trim(KEYS[1], KEYS[3], KEYS[4], tonumber(ARGV[3]), tonumber(ARGV[4]))
return id
`);

// KEYS: stream, bytes, amended. ARGV: deadline (unused), id, the answer as `status json`, capacity, byte cap.
const AMEND = script(`${TRIM}
local found = redis.call('XRANGE', KEYS[1], ARGV[2] .. '-1', ARGV[2] .. '-1')
if #found == 0 then return 0 end
local old = redis.call('HGET', KEYS[3], ARGV[2])
if old then redis.call('DECRBY', KEYS[2], #old) end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('INCRBY', KEYS[2], #ARGV[3])
trim(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
return 1
`);

// KEYS: stream, amended. ARGV: deadline (unused), businessId or '', status or '', before or '', limit or '', page bytes or ''.
// Walks from the newest: counts every matching entry (total; without a filter, the stream's length,
// and the walk stops with the page), gives the newest `limit` below `before` until they hold the
// page's bytes, and says where the older page starts.
// Reply: total, next (-1 = none), then id, entry JSON, amended answer or false, per entry, newest first.
const PAGE = script(`
local business, status = ARGV[2], ARGV[3]
local before = ARGV[4] ~= '' and tonumber(ARGV[4]) or nil
local limit = ARGV[5] ~= '' and tonumber(ARGV[5]) or nil
local pageBytes = ARGV[6] ~= '' and tonumber(ARGV[6]) or nil
local amendedAny = redis.call('HLEN', KEYS[2]) > 0
-- Without a filter the total is the stream's length, and the walk ends with the page.
local unfiltered = business == '' and status == ''
local total, next, taken, bytes = 0, -1, 0, 0
local out = {0, -1}
local cursor = '+'
local walking = true
while walking do
  local entries = redis.call('XREVRANGE', KEYS[1], cursor, '-', 'COUNT', 256)
  for i = 1, #entries do
    local streamId, fields = entries[i][1], entries[i][2]
    local id = tonumber(string.match(streamId, '^(%d+)-'))
    local answer = amendedAny and redis.call('HGET', KEYS[2], int(id)) or false
    local s = answer and string.match(answer, '^(%d+) ') or fields[4]
    if (business == '' or fields[2] == business) and (status == '' or s == status) then
      total = total + 1
      if before == nil or id < before then
        local full = (limit ~= nil and taken >= limit) or (pageBytes ~= nil and taken > 0 and bytes >= pageBytes)
        if full then
          if next == -1 then next = taken > 0 and out[#out - 2] or (before ~= nil and int(before) or -1) end
          if unfiltered then
            walking = false
            break
          end
        else
          out[#out + 1] = int(id)
          out[#out + 1] = fields[6]
          out[#out + 1] = answer
          taken = taken + 1
          bytes = bytes + #fields[6] + (answer and #answer or 0)
        end
      end
    end
    cursor = '(' .. streamId
  end
  if #entries < 256 then break end
end
if unfiltered then total = redis.call('XLEN', KEYS[1]) end
out[1] = total
out[2] = next
return out
`);

export function createRedisJournal(options: RedisJournalOptions): RedisJournal {
  const { connection, keys, capacity, maxBytes } = options;
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`journal capacity must be an integer >= 1, got ${String(capacity)}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`journal byte cap must be an integer >= 1, got ${String(maxBytes)}`);
  let lost = 0;

  const page = async (query: JournalPageQuery = {}): Promise<JournalPage> => {
    const { businessId, status, limit, before, maxBytes: pageBytes } = query;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new RangeError(`journal limit must be an integer >= 0, got ${String(limit)}`);
    }
    const arg = (value: number | undefined) => (value === undefined ? "" : String(value));
    const reply = (await connection.call((c) =>
      PAGE.run(c, [keys.journal, keys.journalAmended], [0, arg(businessId), arg(status), arg(before), arg(limit), arg(pageBytes)]),
    )) as Array<number | string | null>;
    const entries: JournalEntry[] = [];
    for (let i = 2; i + 1 < reply.length; i += 3) {
      const entry = { id: Number(reply[i]), ...(JSON.parse(reply[i + 1] as string) as Omit<JournalEntry, "id">) };
      const answer = reply[i + 2];
      if (typeof answer === "string") {
        const space = answer.indexOf(" ");
        entry.status = Number(answer.slice(0, space));
        entry.response = JSON.parse(answer.slice(space + 1)) as JournalEntry["response"];
      }
      entries.push(entry);
    }
    const next = Number(reply[1]);
    return { entries: entries.reverse(), total: Number(reply[0]), next: next < 0 ? null : next };
  };

  return {
    capacity,
    maxBytes,
    async record(input) {
      const { time, request, size: _size, ...rest } = input;
      // The entry's fields in the in-memory journal's order, id first (added when read).
      const ordered = {
        time: typeof time === "number" ? new Date(time).toISOString() : time,
        method: rest.method,
        path: rest.path,
        operationId: rest.operationId,
        businessId: rest.businessId,
        status: rest.status,
        durationMs: rest.durationMs,
        counted: rest.counted,
        request: { ...request, headers: typeof request.headers === "function" ? request.headers() : request.headers },
        response: rest.response,
      };
      try {
        return Number(
          await connection.call((c) =>
            RECORD.run(
              c,
              [keys.journal, keys.journalSequence, keys.journalBytes, keys.journalAmended],
              [0, JSON.stringify(ordered), capacity, maxBytes, rest.businessId === undefined ? "" : String(rest.businessId), String(rest.status)],
            ),
          ),
        );
      } catch {
        lost += 1;
        return 0;
      }
    },
    async list(filter: JournalFilter = {}) {
      return (await page(filter)).entries;
    },
    page,
    async amend(id, answer) {
      if (!Number.isSafeInteger(id) || id < 1) return false;
      try {
        const text = `${answer.status} ${JSON.stringify(answer.response)}`;
        const done = await connection.call((c) => AMEND.run(c, [keys.journal, keys.journalBytes, keys.journalAmended], [0, id, text, capacity, maxBytes]));
        return Number(done) === 1;
      } catch {
        return false;
      }
    },
    async clear() {
      await connection.call((c) => c.del(...journalKeys(keys)));
    },
    async size() {
      return connection.call((c) => c.xlen(keys.journal));
    },
    async bytes() {
      return Number((await connection.call((c) => c.get(keys.journalBytes))) ?? 0);
    },
    lost: () => lost,
  };
}

/** The keys `reset` clears. */
export function journalKeys(keys: StoreKeys): string[] {
  return [keys.journal, keys.journalSequence, keys.journalBytes, keys.journalAmended];
}
