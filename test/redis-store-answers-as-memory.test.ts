/**
 * The Redis store answers as the in-memory state does: the same long, seeded sequence of calls is
 * made on both, with small bounds so that every rule is met many times (the least recently used
 * chat forgotten with its messages, a chat's and all chats' newest messages, file bytes kept only
 * while small and few, the status table, paging by id, every filter of getChats; the journal's
 * ring, filters, pages and amended answers; the first matching fault counted down; quota windows
 * on a moved clock, limits set and put back, in-flight slots, fixtures replaced, reset), and every
 * answer must be equal. One redis-server for the file, persistence off, stopped by PID.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMessageSenderValues, chatStatusValues, chatTypeValues } from "../generated/schema.js";
import { createChatStore, type ChatFilter, type ChatStore } from "../mock/state/chats.js";
import { createManualClock } from "../mock/state/clock.js";
import { createFaultRegistry, type FaultRule } from "../mock/state/faults.js";
import type { Fixtures } from "../mock/state/fixtures.js";
import { createJournal, type JournalInput } from "../mock/state/journal.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createRedisStore, type RedisStore } from "../mock/state/redis/index.js";
import { startRedisServer, skipRedis, type RedisServer } from "./support/redis-server.js";

/** A small, seeded generator (mulberry32), so a failing sequence is the same sequence every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const some = <T>(items: readonly T[]): T[] => items.filter(() => next() < 0.4);
  return { next, int, pick, some };
}

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const BOUNDS = { maxChats: 4, maxMessagesPerChat: 3, maxMessages: 7, keepFileBytes: 20, maxKeptFileBytes: 45 };

describe.skipIf(skipRedis)("the Redis store answers as memory does", () => {
  let redis: RedisServer;
  const stores: RedisStore[] = [];
  let prefixes = 0;
  const open = async (options: Partial<Parameters<typeof createRedisStore>[0]> = {}) => {
    const store = await createRedisStore({ url: redis.url, prefix: `same-${++prefixes}`, ...options });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.stop();
  });

  it("chats, messages, files: 1,500 seeded calls, every answer equal", async () => {
    const memory: ChatStore = createChatStore(BOUNDS);
    const shared = (await open(BOUNDS)).chats;
    const r = random(1307);
    const contextIds = [1, 2, 3, 4, 5, 6];
    const businesses = [1001, 1002];
    let steps = 0;
    // What the sequence met, so it is known to reach every rule.
    const met = { posted: 0, fullChat: 0, keptFile: 0, unkeptFile: 0, forgotten: 0, more: 0, found: 0 };
    const both = async (what: string, call: (store: ChatStore | RedisStore["chats"]) => unknown) => {
      steps += 1;
      const expected = await call(memory);
      const got = await call(shared);
      expect(got, `step ${steps}: ${what}`).toEqual(expected);
      return expected;
    };
    let lastFileId = 0;
    for (let i = 0; i < 1_500; i++) {
      // Mostly a chat the store holds, sometimes one it forgot or never had.
      const heldIds = memory.list().map((c) => c.chatId);
      const chatId = heldIds.length > 0 && r.next() < 0.8 ? r.pick(heldIds) : r.int(1, 40);
      const businessId = r.pick(businesses);
      const at = T0 + i * 1_000;
      const roll = r.next();
      if (roll < 0.15) {
        const context = { type: r.pick(["ORDER", "RETURN"] as const), id: r.pick(contextIds) };
        const held = memory.size();
        const opened = (await both(`openChat ${businessId} ${JSON.stringify(context)}`, (s) => s.openChat(businessId, context, at))) as { created: boolean };
        if (opened.created && held === BOUNDS.maxChats) met.forgotten += 1;
      } else if (roll < 0.2) {
        const customer = r.next() < 0.5 ? { name: `customer ${i}`, publicId: `p${i}` } : undefined;
        await both(`openDirectChat ${businessId}`, (s) => s.openDirectChat(businessId, at, customer));
      } else if (roll < 0.27) {
        await both(`chat ${businessId} ${chatId}`, (s) => s.chat(businessId, chatId));
      } else if (roll < 0.3) {
        await both(`chatById ${chatId}`, (s) => s.chatById(chatId));
      } else if (roll < 0.4) {
        const change: { type?: (typeof chatTypeValues)[number]; status?: (typeof chatStatusValues)[number] } = {};
        if (r.next() < 0.5) change.type = r.pick(chatTypeValues);
        if (r.next() < 0.4 || change.type === undefined) change.status = r.pick(chatStatusValues);
        await both(`updateChat ${chatId} ${JSON.stringify(change)}`, (s) => s.updateChat(chatId, change));
      } else if (roll < 0.62) {
        const files =
          r.next() < 0.35
            ? Array.from({ length: r.int(1, 2) }, (_, k) => ({ name: `f${i}-${k}.txt`, mediaType: "text/plain", bytes: new Uint8Array(r.int(0, 30)).fill(k + 1) }))
            : undefined;
        const text = files === undefined || r.next() < 0.5 ? `message ${i} ✓` : undefined;
        const sender = r.pick(chatMessageSenderValues);
        const before = memory.messageCount(chatId);
        const posted = (await both(`postMessage ${chatId} ${sender}`, (s) => s.postMessage(chatId, { sender, text, files }, at))) as ReturnType<ChatStore["postMessage"]>;
        if (posted.ok) {
          met.posted += 1;
          lastFileId = posted.message.files?.at(-1)?.fileId ?? lastFileId;
          if (files !== undefined) await both("sizes after files", async (s) => [await s.size(), await s.messagesHeld(), await s.fileBytesKept()]);
          if (before === BOUNDS.maxMessagesPerChat) met.fullChat += 1;
          for (const file of posted.message.files ?? []) {
            if (memory.file(file.fileId)?.bytes !== undefined) met.keptFile += 1;
            else met.unkeptFile += 1;
          }
        }
      } else if (roll < 0.67) {
        const messageId = r.int(0, 40);
        await both(`message ${chatId} ${messageId}`, (s) => s.message(chatId, messageId));
      } else if (roll < 0.72) {
        const page: { fromMessageId?: number; afterMessageId?: number; limit: number } = { limit: r.int(0, 4) };
        const how = r.next();
        if (how < 0.3) page.fromMessageId = r.int(0, 40);
        else if (how < 0.6) page.afterMessageId = r.int(0, 40);
        const found = (await both(`messages ${chatId} ${JSON.stringify(page)}`, (s) => s.messages(chatId, page))) as { more: boolean };
        if (found.more) met.more += 1;
      } else if (roll < 0.8) {
        const filter: ChatFilter = {};
        if (r.next() < 0.3) filter.contexts = r.some(contextIds).map((id) => ({ type: r.pick(["ORDER", "RETURN"] as const), id }));
        if (r.next() < 0.3) filter.contextTypes = r.some(["ORDER", "RETURN", "DIRECT"] as const);
        if (r.next() < 0.3) filter.types = r.some(chatTypeValues);
        if (r.next() < 0.3) filter.statuses = r.some(chatStatusValues);
        const page = { afterChatId: r.next() < 0.4 ? r.int(0, 12) : undefined, limit: r.int(0, 4) };
        const found = (await both(`findChats ${businessId} ${JSON.stringify(filter)} ${JSON.stringify(page)}`, (s) => s.findChats(businessId, filter, page))) as { items: unknown[] };
        if (found.items.length > 0) met.found += 1;
      } else if (roll < 0.86) {
        const fileId = r.int(Math.max(1, lastFileId - 8), lastFileId + 1);
        await both(`file ${fileId}`, (s) => s.file(fileId));
      } else if (roll < 0.9) {
        await both(`messageCount ${chatId}`, (s) => s.messageCount(chatId));
      } else if (roll < 0.95) {
        const which = r.next() < 0.5 ? undefined : businessId;
        await both(`list ${which}`, (s) => s.list(which));
      } else if (roll < 0.995) {
        await both("sizes", async (s) => [await s.size(), await s.messagesHeld(), await s.fileBytesKept()]);
      } else {
        await both("reset", (s) => s.reset());
      }
    }
    // The sequence met what it is for, many times each.
    expect(steps).toBeGreaterThan(1_500);
    for (const [what, count] of Object.entries(met)) expect(count, what).toBeGreaterThanOrEqual(10);
  });

  it("the journal: its ring, filters, pages and amended answers; ids one counter", async () => {
    const memory = createJournal(6);
    const shared = (await open({ journalCapacity: 6 })).journal;
    const r = random(2203);
    const entry = (i: number): JournalInput => ({
      time: T0 + i,
      method: "POST",
      path: `/v2/businesses/${1001 + (i % 2)}/chats/new`,
      operationId: "createChat",
      businessId: 1001 + (i % 2),
      status: r.pick([200, 420, 403]),
      durationMs: 1.5,
      counted: true,
      request: { headers: () => ({ "api-key": "[REDACTED]" }), body: { context: { type: "ORDER", id: i } } },
      response: { headers: { "content-type": "application/json" }, body: { status: "OK" } },
    });
    let last = 0;
    for (let i = 0; i < 300; i++) {
      const roll = r.next();
      if (roll < 0.5) {
        const input = entry(i);
        // Each journal makes the deferred headers itself: the same input given twice.
        last = memory.record(input);
        expect(await shared.record({ ...input, request: { ...input.request } })).toBe(last);
      } else if (roll < 0.7) {
        const query = {
          businessId: r.next() < 0.4 ? r.pick([1001, 1002]) : undefined,
          status: r.next() < 0.3 ? r.pick([200, 420, 500]) : undefined,
          limit: r.next() < 0.6 ? r.int(0, 4) : undefined,
          before: r.next() < 0.5 ? r.int(Math.max(1, last - 8), last + 1) : undefined,
        };
        expect(await shared.page(query), `page ${JSON.stringify(query)}`).toEqual(memory.page(query));
      } else if (roll < 0.8) {
        const filter = { businessId: r.next() < 0.5 ? 1001 : undefined, limit: r.next() < 0.5 ? r.int(0, 7) : undefined };
        expect(await shared.list(filter)).toEqual(memory.list(filter));
      } else if (roll < 0.95) {
        const id = r.int(Math.max(1, last - 8), last + 1);
        const answer = { status: 500, response: { headers: { "content-type": "application/json" }, body: { status: "ERROR", amended: i } } };
        expect(await shared.amend(id, answer), `amend ${id}`).toBe(memory.amend(id, answer));
      } else if (roll < 0.99) {
        expect(await shared.size()).toBe(memory.size());
      } else {
        await shared.clear();
        memory.clear();
      }
    }
  });

  it("faults: the first matching rule counted down, spent ones dropped, ids never reused", async () => {
    const memory = createFaultRegistry();
    const shared = (await open()).faults;
    const r = random(3001);
    const operations = ["createChat", "getChat"];
    for (let i = 0; i < 300; i++) {
      const roll = r.next();
      if (roll < 0.25) {
        const rule: FaultRule = { status: r.pick([500, 503, 420]), delayMs: r.int(0, 2) * 10 };
        if (r.next() < 0.7) rule.times = r.int(1, 3);
        const match: FaultRule["match"] = {};
        if (r.next() < 0.5) match.businessId = r.pick([1001, 1002]);
        if (r.next() < 0.5) match.operationId = r.pick(operations);
        if (r.next() < 0.3) match.contextType = r.pick(["ORDER", "RETURN"] as const);
        rule.match = match;
        if (rule.status === 420 && r.next() < 0.5) rule.kind = r.pick(["hourly", "parallel"] as const);
        expect(await shared.add(rule)).toEqual(memory.add(rule));
      } else if (roll < 0.85) {
        const request = { businessId: r.pick([1001, 1002]), operationId: r.pick(operations), contextType: r.next() < 0.7 ? r.pick(["ORDER", "RETURN"] as const) : undefined };
        expect(await shared.take(request), `take ${JSON.stringify(request)}`).toEqual(memory.take(request));
      } else if (roll < 0.97) {
        expect(await shared.list()).toEqual(memory.list());
      } else {
        await shared.clear();
        memory.clear();
      }
    }
  });

  it("quota, limits, slots, clock, fixtures and reset: the same decisions on a clock that moves", async () => {
    const fixtures: Fixtures = {
      tokens: [{ token: "t", scheme: "api-key", scopes: ["communication"], businesses: [1, 2] }],
      businesses: [
        { id: 1, model: "FBS", orders: [1], returns: [] },
        { id: 2, model: "FBY", orders: [2], returns: [] },
      ],
    };
    const options = { quota: 3, windowMs: 60_000, parallelLimit: 2, operationQuotas: { getChat: { limit: 2, windowMs: 30_000 } }, fixtures };
    const memoryClock = createManualClock(T0);
    const sharedClock = createManualClock(T0);
    const memory = createMockState({ ...options, clock: memoryClock });
    const shared = await open({ ...options, clock: sharedClock });
    const r = random(4099);
    const operations = ["createChat", "getChat", "getChats"];
    const held: Array<{ memory: () => unknown; shared: () => unknown }> = [];
    for (let i = 0; i < 400; i++) {
      const operationId = r.pick(operations);
      const businessId = r.pick([1, 2]);
      const roll = r.next();
      if (roll < 0.4) {
        const a = memory.admit(operationId, businessId);
        const b = await shared.admit(operationId, businessId);
        const { release: _a, ...plainA } = a as typeof a & { release?: unknown };
        const { release: _b, ...plainB } = b as typeof b & { release?: unknown };
        expect(plainB, `admit ${operationId} ${businessId} at ${i}`).toEqual(plainA);
        if (a.admitted && b.admitted) held.push({ memory: a.release, shared: b.release });
      } else if (roll < 0.5 && held.length > 0) {
        const slot = held.splice(r.int(0, held.length - 1), 1)[0] as (typeof held)[number];
        slot.memory();
        await slot.shared();
      } else if (roll < 0.6) {
        expect(await shared.quotaWindow(operationId, businessId)).toEqual(memory.quotaWindow(operationId, businessId));
        expect(await shared.inFlight(businessId)).toBe(memory.inFlight(businessId));
      } else if (roll < 0.7) {
        const ms = r.pick([1_000, 20_000, 45_000]);
        memoryClock.advance(ms);
        sharedClock.advance(ms);
      } else if (roll < 0.76) {
        const ms = r.pick([5_000, 61_000]);
        memory.clock.advance(ms);
        await shared.clock.advance(ms);
        expect(shared.clock.offsetMs()).toBe(memory.clock.offsetMs());
      } else if (roll < 0.84) {
        const limits = r.next() < 0.3 ? undefined : { limit: r.next() < 0.7 ? r.int(1, 4) : undefined, windowMs: r.next() < 0.5 ? r.pick([10_000, 90_000]) : undefined };
        expect(await shared.setQuotaLimits(operationId, limits)).toEqual(memory.setQuotaLimits(operationId, limits));
        for (const id of operations) expect(shared.quotaLimits(id)).toEqual(memory.quotaLimits(id));
      } else if (roll < 0.88) {
        await shared.replaceFixtures(fixtures);
        memory.replaceFixtures(fixtures);
      } else if (roll < 0.9) {
        await shared.reset();
        memory.reset();
        for (const id of operations) expect(shared.quotaLimits(id)).toEqual(memory.quotaLimits(id));
        expect(shared.clock.now()).toBe(memory.clock.now());
      }
    }
    for (const slot of held) {
      slot.memory();
      await slot.shared();
    }
    expect([await shared.inFlight(1), await shared.inFlight(2)]).toEqual([0, 0]);
  });
});
