/**
 * The chats, their messages and files in Redis, with the in-memory store's rules (state/chats.ts):
 * one chat per business and context, ids from sequences every replica shares (chats, messages,
 * files), the status table of state/chat-status.ts, and every bound: past `maxChats` the least
 * recently used chat is forgotten with its messages, a chat keeps its newest `maxMessagesPerChat`
 * messages and all chats their newest `maxMessages`, file bytes are kept only while small and few.
 *
 * Every change is one Lua script (open, update, post a message with its files, the look-up that
 * counts as a use), so two replicas asked at once never hand out one id twice, never open two chats
 * for one context and never see a message without its chat's new status. Reads of several keys go
 * in one MULTI, so they see one moment. A chat is kept as two fields: its fixed part as JSON (ids,
 * context, customer, createdAt), and what changes as text a script reads without a JSON library
 * (`type status updatedAt businessId contextKey`); numbers are written by the scripts as integers,
 * never through Lua's number formatting, so ids up to 2^53 stay exact.
 */
import { chatContextTypeValues } from "../../../generated/schema.js";
import { CLOSED_STATUS, DISPUTE_STATUS, OPENING_STATUS, STATUS_AFTER_MESSAGE } from "../chat-status.js";
import {
  DEFAULT_MAX_CHATS,
  DEFAULT_MAX_MESSAGES,
  DEFAULT_MAX_MESSAGES_PER_CHAT,
  type ChatContextKey,
  type ChatCustomer,
  type ChatFilter,
  type ChatRecord,
  type ChatStatus,
  type ChatStore,
  type ChatType,
  type FileRecord,
  type MessageInput,
  type MessageRecord,
  type Page,
  type PostOutcome,
} from "../chats.js";
import { isoInstant } from "../clock.js";
import { DEFAULT_KEEP_FILE_BYTES, DEFAULT_MAX_KEPT_FILE_BYTES } from "../kept-files.js";
import { StoreUnavailableError } from "../store-errors.js";
import type { Deferrable } from "../store.js";
import { createHash } from "node:crypto";
import type { StoreConnection } from "./connection.js";
import type { StoreKeys } from "./keys.js";
import { LATE, script } from "./scripts.js";

/** The chat store over Redis: the in-memory one's methods, each answered later. */
export type RedisChatStore = {
  readonly [K in keyof ChatStore]: ChatStore[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : ChatStore[K];
};

// Checked at compile time: what the pipeline and the control API take.
const _fits: (store: RedisChatStore) => Deferrable<ChatStore> = (store) => store;

export interface RedisChatOptions {
  connection: StoreConnection;
  keys: StoreKeys;
  maxChats?: number;
  maxMessagesPerChat?: number;
  maxMessages?: number;
  keepFileBytes?: number;
  maxKeptFileBytes?: number;
  firstChatId?: number;
}

/** The keys every chat script gets, in this order (the prelude names them). */
export function chatKeys(keys: StoreKeys): string[] {
  return [
    keys.chatRecords,
    keys.chatStates,
    keys.chatsByContext,
    keys.chatsByBusiness,
    keys.chatsByUse,
    keys.chatTick,
    keys.chatSequence,
    keys.messageRecords,
    keys.messagesByChat,
    keys.messageOrder,
    keys.messageFiles,
    keys.messageSequence,
    keys.fileRecords,
    keys.fileBytes,
    keys.filesKept,
    keys.fileBytesKept,
    keys.fileSequence,
  ];
}

/** The status table of chat-status.ts as a Lua table: `AFTER[type][sender]`, nil where the status stays. */
const LUA_STATUS_TABLE = `{${Object.entries(STATUS_AFTER_MESSAGE)
  .map(([type, bySender]) => `${type} = {${Object.entries(bySender).filter(([, status]) => status !== undefined).map(([sender, status]) => `${sender} = '${status}'`).join(", ")}}`)
  .join(", ")}}`;

// ARGV[1] is the deadline (see scripts.ts); ARGV[2..7] the store's bounds; a script's own from ARGV[8].
const CHAT_PRELUDE = `
local RECORDS, STATES, BY_CONTEXT, BY_BUSINESS, BY_USE, TICK, SEQ = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local M_RECORDS, M_BY_CHAT, M_ORDER, M_FILES, M_SEQ = KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12]
local F_RECORDS, F_BYTES, F_KEPT, F_KEPT_BYTES, F_SEQ = KEYS[13], KEYS[14], KEYS[15], KEYS[16], KEYS[17]
local MAX_CHATS, MAX_PER_CHAT, MAX_MESSAGES = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local KEEP_FILE, MAX_KEPT, FIRST_CHAT = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local AFTER = ${LUA_STATUS_TABLE}
local function id16(x) return string.format('%016d', x) end
local function pair(a, b) return id16(a) .. ':' .. id16(b) end
local function chatRange(c) return '[' .. id16(c) .. ':', '(' .. id16(c) .. ';' end
local function tail(member) return int(tonumber(string.match(member, ':(%d+)$'))) end
local function parseState(s) return string.match(s, '^(%S+) (%S+) (%S+) (%S+) (%S+)$') end
local function touch(chatId) redis.call('ZADD', BY_USE, redis.call('INCR', TICK), chatId) end
local function forgetBytes(fid)
  if redis.call('ZREM', F_KEPT, fid) == 1 then
    redis.call('DECRBY', F_KEPT_BYTES, redis.call('HSTRLEN', F_BYTES, fid))
    redis.call('HDEL', F_BYTES, fid)
  end
end
local function keepBytes(fid, bytes)
  local size = #bytes
  if size > KEEP_FILE or size > MAX_KEPT then return end
  while tonumber(redis.call('GET', F_KEPT_BYTES) or '0') + size > MAX_KEPT do
    local oldest = redis.call('ZRANGE', F_KEPT, 0, 0)[1]
    if not oldest then break end
    forgetBytes(oldest)
  end
  redis.call('HSET', F_BYTES, fid, bytes)
  redis.call('ZADD', F_KEPT, fid, fid)
  redis.call('INCRBY', F_KEPT_BYTES, size)
end
local function dropMessage(member)
  local mid = tail(member)
  redis.call('ZREM', M_BY_CHAT, member)
  redis.call('ZREM', M_ORDER, member)
  redis.call('HDEL', M_RECORDS, mid)
  local files = redis.call('HGET', M_FILES, mid)
  if files then
    for fid in string.gmatch(files, '%d+') do
      redis.call('HDEL', F_RECORDS, fid)
      forgetBytes(fid)
    end
    redis.call('HDEL', M_FILES, mid)
  end
end
local function forgetChat(chatId)
  local state = redis.call('HGET', STATES, chatId)
  redis.call('ZREM', BY_USE, chatId)
  if not state then return end
  local _, _, _, business, key = parseState(state)
  redis.call('HDEL', BY_CONTEXT, key)
  redis.call('HDEL', RECORDS, chatId)
  redis.call('HDEL', STATES, chatId)
  redis.call('ZREM', BY_BUSINESS, pair(business, chatId))
  local lo, hi = chatRange(chatId)
  local members = redis.call('ZRANGEBYLEX', M_BY_CHAT, lo, hi)
  for i = 1, #members do dropMessage(members[i]) end
end
local function hold(chatId, business, key, record, state)
  if redis.call('HLEN', STATES) >= MAX_CHATS then
    local oldest = redis.call('ZRANGE', BY_USE, 0, 0)[1]
    if oldest then forgetChat(oldest) end
  end
  redis.call('HSET', BY_CONTEXT, key, chatId)
  redis.call('HSET', RECORDS, chatId, record)
  redis.call('HSET', STATES, chatId, state)
  redis.call('ZADD', BY_BUSINESS, 0, pair(business, chatId))
  touch(chatId)
end
`;

const chatScript = (body: string) => script(`${CHAT_PRELUDE}\n${body}`);

// ARGV[8] 'context' | 'direct', [9] businessId, [10] context key ('' for direct), [11] the record after its chatId, [12] the instant.
const OPEN_CHAT = chatScript(`
if late() then return {'${LATE}'} end
local key = ARGV[10]
if ARGV[8] == 'context' then
  local existing = redis.call('HGET', BY_CONTEXT, key)
  if existing then
    touch(existing)
    return {'existing', redis.call('HGET', RECORDS, existing), redis.call('HGET', STATES, existing)}
  end
end
local nextId = FIRST_CHAT + tonumber(redis.call('GET', SEQ) or '0')
if nextId > 9007199254740991 then return {'exhausted'} end
redis.call('INCR', SEQ)
local id = int(nextId)
if ARGV[8] == 'direct' then key = ARGV[9] .. '/DIRECT/' .. id end
local record = '{"chatId":' .. id .. ',' .. ARGV[11]
local state = '${"CHAT" satisfies ChatType} ${OPENING_STATUS} ' .. ARGV[12] .. ' ' .. ARGV[9] .. ' ' .. key
hold(id, ARGV[9], key, record, state)
return {'created', record, state}
`);

// ARGV[8] chatId, [9] businessId: the chat if it is this business's, counted as a use.
const USE_CHAT = chatScript(`
local state = redis.call('HGET', STATES, ARGV[8])
if not state then return {'none'} end
local _, _, _, business = parseState(state)
if business ~= ARGV[9] then return {'none'} end
touch(ARGV[8])
return {'found', redis.call('HGET', RECORDS, ARGV[8]), state}
`);

// ARGV[8] chatId, [9] type or '', [10] status or ''.
const UPDATE_CHAT = chatScript(`
if late() then return {'${LATE}'} end
local state = redis.call('HGET', STATES, ARGV[8])
if not state then return {'none'} end
local t, s, u, b, k = parseState(state)
local newType = ARGV[9] ~= '' and ARGV[9] or t
local becomesDispute = newType == 'ARBITRAGE' and t ~= 'ARBITRAGE'
local newStatus = ARGV[10] ~= '' and ARGV[10] or (becomesDispute and '${DISPUTE_STATUS}' or s)
touch(ARGV[8])
state = table.concat({newType, newStatus, u, b, k}, ' ')
redis.call('HSET', STATES, ARGV[8], state)
return {'updated', redis.call('HGET', RECORDS, ARGV[8]), state}
`);

// ARGV[8] chatId, [9] sender, [10] the instant, [11] the message's JSON after its ids and before its
// files, [12] how many files; then per file: its JSON after its fileId, 'k' when its bytes may be kept, the bytes.
const POST_MESSAGE = chatScript(`
if late() then return {'${LATE}'} end
local c = ARGV[8]
local state = redis.call('HGET', STATES, c)
if not state then return {'not-found'} end
local t, s, u, b, k = parseState(state)
if s == '${CLOSED_STATUS}' then return {'finished', redis.call('HGET', RECORDS, c), state} end
local mid = int(redis.call('INCR', M_SEQ))
local files, ids = {}, {}
for i = 1, tonumber(ARGV[12]) do
  local at = 12 + 3 * (i - 1)
  local fid = int(redis.call('INCR', F_SEQ))
  local json = '{"fileId":' .. fid .. ',' .. ARGV[at + 1]
  redis.call('HSET', F_RECORDS, fid, c .. ' ' .. json)
  if ARGV[at + 2] == 'k' then keepBytes(fid, ARGV[at + 3]) end
  files[i] = json
  ids[i] = fid
end
local message = '{"messageId":' .. mid .. ',"chatId":' .. c .. ',' .. ARGV[11]
if #files > 0 then
  message = message .. ',"files":[' .. table.concat(files, ',') .. ']'
  redis.call('HSET', M_FILES, mid, table.concat(ids, ' '))
end
message = message .. '}'
local member = pair(c, mid)
redis.call('HSET', M_RECORDS, mid, message)
redis.call('ZADD', M_BY_CHAT, 0, member)
redis.call('ZADD', M_ORDER, mid, member)
local lo, hi = chatRange(c)
if redis.call('ZLEXCOUNT', M_BY_CHAT, lo, hi) > MAX_PER_CHAT then
  dropMessage(redis.call('ZRANGEBYLEX', M_BY_CHAT, lo, hi, 'LIMIT', 0, 1)[1])
end
while redis.call('ZCARD', M_ORDER) > MAX_MESSAGES do
  dropMessage(redis.call('ZRANGE', M_ORDER, 0, 0)[1])
end
touch(c)
local next = (AFTER[t] and AFTER[t][ARGV[9]]) or s
state = table.concat({t, next, ARGV[10], b, k}, ' ')
redis.call('HSET', STATES, c, state)
return {'ok', redis.call('HGET', RECORDS, c), state, message}
`);

// ARGV[8] chatId, [9] 'from' | 'after' | 'all', [10] the message id, [11] how many at most.
const MESSAGES = chatScript(`
local c = ARGV[8]
local lo, hi = chatRange(c)
if ARGV[9] == 'from' then lo = '[' .. pair(c, ARGV[10]) elseif ARGV[9] == 'after' then lo = '(' .. pair(c, ARGV[10]) end
local members = redis.call('ZRANGEBYLEX', M_BY_CHAT, lo, hi, 'LIMIT', 0, ARGV[11])
local out = {}
for i = 1, #members do out[i] = redis.call('HGET', M_RECORDS, tail(members[i])) end
return out
`);

// ARGV[8] businessId, [9] after this chatId, [10] limit, [11..14] contexts, context types, types,
// statuses: '*' for no filter, else ' a b c ' (one space around each value).
const FIND_CHATS = chatScript(`
local b = ARGV[8]
local limit = tonumber(ARGV[10])
local function has(list, x) return list == '*' or string.find(list, ' ' .. x .. ' ', 1, true) ~= nil end
local out = {0}
local cursor = '(' .. pair(b, ARGV[9])
local hi = '(' .. id16(b) .. ';'
while true do
  local names = redis.call('ZRANGEBYLEX', BY_BUSINESS, cursor, hi, 'LIMIT', 0, 256)
  for i = 1, #names do
    local chatId = tail(names[i])
    local state = redis.call('HGET', STATES, chatId)
    local t, s, _, _, key = parseState(state)
    local ctype, cid = string.match(key, '^%d+/(%u+)/(%d+)$')
    local context = ARGV[11] == '*' or (ctype ~= 'DIRECT' and has(ARGV[11], ctype .. '/' .. cid))
    if context and has(ARGV[12], ctype) and has(ARGV[13], t) and has(ARGV[14], s) then
      if (#out - 1) / 2 == limit then
        out[1] = 1
        return out
      end
      out[#out + 1] = redis.call('HGET', RECORDS, chatId)
      out[#out + 1] = state
    end
    cursor = '(' .. names[i]
  end
  if #names < 256 then return out end
end
`);

// ARGV[8] businessId or '' for every chat: record, state, record, state, …
const LIST_CHATS = chatScript(`
local out = {}
if ARGV[8] == '' then
  local all = redis.call('HGETALL', STATES)
  for i = 1, #all, 2 do
    out[#out + 1] = redis.call('HGET', RECORDS, all[i])
    out[#out + 1] = all[i + 1]
  end
else
  local names = redis.call('ZRANGEBYLEX', BY_BUSINESS, '[' .. id16(ARGV[8]) .. ':', '(' .. id16(ARGV[8]) .. ';')
  for i = 1, #names do
    local chatId = tail(names[i])
    out[#out + 1] = redis.call('HGET', RECORDS, chatId)
    out[#out + 1] = redis.call('HGET', STATES, chatId)
  end
end
return out
`);

function assertId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got ${value}`);
  }
}

function assertCount(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${String(value)}`);
}

/** A record as the in-memory store hands it out: frozen, the same fields in the same order. */
function toChat(record: string, state: string): ChatRecord {
  const fixed = JSON.parse(record) as Pick<ChatRecord, "chatId" | "businessId" | "context" | "createdAt" | "customer">;
  const [type, status, updatedAt] = state.split(" ") as [ChatType, ChatStatus, string];
  const chat: ChatRecord = {
    chatId: fixed.chatId,
    businessId: fixed.businessId,
    context: Object.freeze({ ...fixed.context }),
    type,
    status,
    createdAt: fixed.createdAt,
    updatedAt,
  };
  if (fixed.customer !== undefined) chat.customer = Object.freeze({ ...fixed.customer });
  return Object.freeze(chat);
}

function toMessage(json: string): MessageRecord {
  const message = JSON.parse(json) as MessageRecord;
  if (message.files !== undefined) message.files = Object.freeze(message.files.map((file) => Object.freeze(file)));
  return Object.freeze(message);
}

/** `[record, state, record, state, …]` → chats. */
function toChats(flat: ReadonlyArray<string | null>): ChatRecord[] {
  const chats: ChatRecord[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const record = flat[i];
    const state = flat[i + 1];
    if (typeof record === "string" && typeof state === "string") chats.push(toChat(record, state));
  }
  return chats;
}

/** A filter's values as FIND_CHATS reads them. */
const listArg = (values: readonly string[] | undefined) => (values === undefined ? "*" : ` ${values.join(" ")} `);

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The JSON text of an object without its opening brace, for a script to put ids in front of. */
const after = (value: object) => JSON.stringify(value).slice(1);

export function createRedisChatStore(options: RedisChatOptions): RedisChatStore {
  const { connection, keys } = options;
  const firstChatId = options.firstChatId ?? 1;
  const maxChats = options.maxChats ?? DEFAULT_MAX_CHATS;
  const maxMessagesPerChat = options.maxMessagesPerChat ?? DEFAULT_MAX_MESSAGES_PER_CHAT;
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const keepFileBytes = options.keepFileBytes ?? DEFAULT_KEEP_FILE_BYTES;
  const maxKeptFileBytes = options.maxKeptFileBytes ?? DEFAULT_MAX_KEPT_FILE_BYTES;
  assertId(firstChatId, "firstChatId");
  assertCount(maxChats, "maxChats", 1);
  assertCount(maxMessagesPerChat, "maxMessagesPerChat", 1);
  assertCount(maxMessages, "maxMessages", 1);
  if (!Number.isSafeInteger(keepFileBytes) || keepFileBytes < 0) throw new RangeError(`keepFileBytes must be an integer number of bytes >= 0, got ${String(keepFileBytes)}`);
  if (!Number.isSafeInteger(maxKeptFileBytes) || maxKeptFileBytes < 0) {
    throw new RangeError(`maxKeptFileBytes must be an integer number of bytes >= 0, got ${String(maxKeptFileBytes)}`);
  }
  const all = chatKeys(keys);
  const bounds = [maxChats, maxMessagesPerChat, maxMessages, keepFileBytes, maxKeptFileBytes, firstChatId];
  /** The deadline of a script that changes state: past it, Redis changes nothing (scripts.ts). */
  const deadline = () => connection.redisNow() + connection.timeoutMs / 2;
  const run = (s: ReturnType<typeof script>, args: ReadonlyArray<string | number | Buffer>, changes: boolean) =>
    connection.call((c) => s.run(c, all, [changes ? deadline() : 0, ...bounds, ...args]));
  const late = (what: string) => new StoreUnavailableError(connection.location, `the ${what} reached Redis after the timeout`);
  const messageRange = (chatId: number): [string, string] => {
    const id = String(chatId).padStart(16, "0");
    return [`[${id}:`, `(${id};`];
  };

  const openChatOf = async (kind: "context" | "direct", businessId: number, key: string, record: object, atEpochMs: number) => {
    const [verdict, json, state] = (await run(OPEN_CHAT, [kind, businessId, key, after(record), isoInstant(atEpochMs)], true)) as [string, string, string];
    if (verdict === LATE) throw late("chat");
    if (verdict === "exhausted") throw new RangeError(`next chatId must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}`);
    return { chat: toChat(json, state), created: verdict === "created" };
  };

  return {
    maxChats,
    maxMessagesPerChat,
    maxMessages,
    keepFileBytes,
    maxKeptFileBytes,

    async openChat(businessId: number, context: ChatContextKey, atEpochMs: number) {
      assertId(businessId, "businessId");
      assertId(context.id, "context.id");
      if (!chatContextTypeValues.includes(context.type)) {
        throw new RangeError(`context.type must be one of ${chatContextTypeValues.join(", ")}, got ${String(context.type)}`);
      }
      const record = { businessId, context: { type: context.type, id: context.id }, createdAt: isoInstant(atEpochMs) };
      return openChatOf("context", businessId, `${businessId}/${context.type}/${context.id}`, record, atEpochMs);
    },

    async openDirectChat(businessId: number, atEpochMs: number, customer?: ChatCustomer) {
      assertId(businessId, "businessId");
      const record: Record<string, unknown> = { businessId, context: { type: "DIRECT" }, createdAt: isoInstant(atEpochMs) };
      if (customer !== undefined) record.customer = { ...customer };
      return (await openChatOf("direct", businessId, "", record, atEpochMs)).chat;
    },

    async chat(businessId: number, chatId: number) {
      if (!Number.isSafeInteger(chatId) || chatId < 1 || !Number.isSafeInteger(businessId)) return undefined;
      const [verdict, record, state] = (await run(USE_CHAT, [chatId, businessId], false)) as [string, string, string];
      return verdict === "found" ? toChat(record, state) : undefined;
    },

    async chatById(chatId: number) {
      if (!Number.isSafeInteger(chatId) || chatId < 1) return undefined;
      const [record, state] = await connection.call(async (c) => {
        const replies = (await c.multi().hget(keys.chatRecords, String(chatId)).hget(keys.chatStates, String(chatId)).exec()) ?? [];
        return replies.map(([error, value]) => {
          if (error) throw error;
          return value as string | null;
        });
      });
      return typeof record === "string" && typeof state === "string" ? toChat(record, state) : undefined;
    },

    async updateChat(chatId: number, change: { type?: ChatType; status?: ChatStatus }) {
      if (!Number.isSafeInteger(chatId) || chatId < 1) return undefined;
      const [verdict, record, state] = (await run(UPDATE_CHAT, [chatId, change.type ?? "", change.status ?? ""], true)) as [string, string, string];
      if (verdict === LATE) throw late("chat change");
      return verdict === "updated" ? toChat(record, state) : undefined;
    },

    async postMessage(chatId: number, input: MessageInput, atEpochMs: number): Promise<PostOutcome> {
      if (!Number.isSafeInteger(chatId) || chatId < 1) return { ok: false, reason: "not-found" };
      const at = isoInstant(atEpochMs);
      const head: Record<string, unknown> = { sender: input.sender, createdAt: at };
      if (input.text !== undefined) head.text = input.text;
      const files = input.files ?? [];
      const fileArgs: Array<string | Buffer> = [];
      for (const file of files) {
        const size = file.bytes.byteLength;
        fileArgs.push(after({ name: file.name, mediaType: file.mediaType, size, sha256: digestOf(file.bytes) }));
        // Bytes too large to keep are not sent at all.
        const keepable = size <= keepFileBytes && size <= maxKeptFileBytes;
        fileArgs.push(keepable ? "k" : "-", keepable ? Buffer.from(file.bytes.buffer, file.bytes.byteOffset, size) : "");
      }
      const messageHead = JSON.stringify(head).slice(1, -1);
      const reply = (await run(POST_MESSAGE, [chatId, input.sender, at, messageHead, files.length, ...fileArgs], true)) as string[];
      const [verdict, record, state, message] = reply;
      if (verdict === LATE) throw late("message");
      if (verdict === "not-found") return { ok: false, reason: "not-found" };
      if (verdict === "finished") return { ok: false, reason: "finished", chat: toChat(record as string, state as string) };
      return { ok: true, chat: toChat(record as string, state as string), message: toMessage(message as string) };
    },

    async message(chatId: number, messageId: number) {
      if (!Number.isSafeInteger(messageId) || messageId < 1) return undefined;
      const json = await connection.call((c) => c.hget(keys.messageRecords, String(messageId)));
      if (json === null) return undefined;
      const message = toMessage(json);
      return message.chatId === chatId ? message : undefined;
    },

    async messages(chatId: number, page: { fromMessageId?: number; afterMessageId?: number; limit: number }): Promise<Page<MessageRecord>> {
      const { fromMessageId, afterMessageId, limit } = page;
      if (!Number.isSafeInteger(chatId) || chatId < 1) return { items: [], more: false };
      let mode: "all" | "from" | "after" = "all";
      let from = 0;
      if (afterMessageId !== undefined) {
        if (afterMessageId >= Number.MAX_SAFE_INTEGER) return { items: [], more: false };
        if (afterMessageId >= 1) [mode, from] = ["after", Math.floor(afterMessageId)];
      } else if (fromMessageId !== undefined) {
        if (fromMessageId > Number.MAX_SAFE_INTEGER) return { items: [], more: false };
        if (fromMessageId > 1) [mode, from] = ["from", Math.ceil(fromMessageId)];
      }
      // A chat never holds more than maxMessagesPerChat: one more says whether more follow.
      const wanted = Math.min(Math.max(0, limit), maxMessagesPerChat) + 1;
      const found = (await run(MESSAGES, [chatId, mode, from, wanted], false)) as Array<string | null>;
      const items = found.filter((json): json is string => typeof json === "string").map(toMessage);
      const more = items.length > limit;
      return { items: more ? items.slice(0, limit) : items, more };
    },

    async findChats(businessId: number, filter: ChatFilter, page: { afterChatId?: number; limit: number }): Promise<Page<ChatRecord>> {
      if (!Number.isSafeInteger(businessId) || businessId < 1) return { items: [], more: false };
      const afterChatId = page.afterChatId ?? 0;
      if (afterChatId >= Number.MAX_SAFE_INTEGER) return { items: [], more: false };
      const contexts = filter.contexts?.map((context) => `${context.type}/${context.id}`);
      const reply = (await run(
        FIND_CHATS,
        [businessId, Math.max(0, Math.floor(afterChatId)), Math.max(0, page.limit), listArg(contexts), listArg(filter.contextTypes), listArg(filter.types), listArg(filter.statuses)],
        false,
      )) as [number, ...string[]];
      const [more, ...flat] = reply;
      return { items: toChats(flat), more: Number(more) === 1 };
    },

    async file(fileId: number) {
      if (!Number.isSafeInteger(fileId) || fileId < 1) return undefined;
      const [text, bytes] = await connection.call(async (c) => {
        const replies = (await c.multi().hget(keys.fileRecords, String(fileId)).hgetBuffer(keys.fileBytes, String(fileId)).exec()) ?? [];
        return replies.map(([error, value]) => {
          if (error) throw error;
          return value;
        }) as [string | null, Buffer | null];
      });
      if (text === null) return undefined;
      const space = text.indexOf(" ");
      const found = { file: Object.freeze(JSON.parse(text.slice(space + 1)) as FileRecord), chatId: Number(text.slice(0, space)) };
      return bytes === null ? found : { ...found, bytes: new Uint8Array(bytes) };
    },

    async messageCount(chatId: number) {
      if (!Number.isSafeInteger(chatId) || chatId < 1) return 0;
      return connection.call((c) => c.zlexcount(keys.messagesByChat, ...messageRange(chatId)));
    },

    async list(businessId?: number) {
      if (businessId !== undefined && (!Number.isSafeInteger(businessId) || businessId < 1)) return [];
      const flat = (await run(LIST_CHATS, [businessId ?? ""], false)) as Array<string | null>;
      return toChats(flat).sort((a, b) => a.chatId - b.chatId);
    },

    async reset() {
      await connection.call((c) => c.del(...all));
    },

    async size() {
      return connection.call((c) => c.hlen(keys.chatStates));
    },
    async messagesHeld() {
      return connection.call((c) => c.zcard(keys.messageOrder));
    },
    async fileBytesKept() {
      return Number((await connection.call((c) => c.get(keys.fileBytesKept))) ?? 0);
    },
  };
}
