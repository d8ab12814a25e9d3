/**
 * The Redis store's own rules: replicas under one prefix must agree on how they count (a replica
 * with other settings refuses to start), two prefixes on one server share nothing, and what the
 * store keeps stays bounded (the journal in entries and in bytes, the chats at `maxChats`, ended
 * quota windows forgotten).
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../mock/state/clock.js";
import { createRedisStore, type RedisStore } from "../mock/state/redis/index.js";
import { StoreStartError } from "../mock/state/store-errors.js";
import { startRedisServer, skipRedis, type RedisServer } from "./support/redis-server.js";

describe.skipIf(skipRedis)("the Redis store", () => {
  let redis: RedisServer;
  let stores: RedisStore[] = [];
  const open = async (options: Partial<Parameters<typeof createRedisStore>[0]> = {}) => {
    const store = await createRedisStore({ url: redis.url, ...options });
    stores.push(store);
    return store;
  };
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    stores = [];
    await redis.stop();
  });

  it("refuses a replica whose settings differ from those under its prefix, naming the setting", async () => {
    await open({ quota: 5 });
    const refusal = await open({ quota: 6 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StoreStartError);
    expect((refusal as Error).message).toMatch(/^the state store redis:\/\/127\.0\.0\.1:\d+\/0 serves replicas with other settings under prefix createchat-mock: quotas is .*"limit":5.* there and .*"limit":6.* here; start every replica with the same options, or use another --store-prefix$/);
    const otherFixtures = await open({ fixtures: { tokens: [{ token: "t", scheme: "api-key", scopes: ["communication"], businesses: [1] }], businesses: [{ id: 1, model: "FBS", orders: [1], returns: [] }] }, quota: 5 }).catch((error: unknown) => error);
    expect((otherFixtures as Error).message).toContain("startFixtures is");
    // The same settings join.
    await expect(open({ quota: 5 })).resolves.toBeDefined();
  });

  it("keeps two prefixes apart on one server", async () => {
    const a = await open({ prefix: "team-a" });
    const b = await open({ prefix: "team-b", quota: 3 });
    await a.admit("createChat", 1001);
    await a.admit("createChat", 1001);
    expect((await a.quotaWindow("createChat", 1001))?.used).toBe(2);
    expect(await b.quotaWindow("createChat", 1001)).toBeUndefined();
    expect((await a.chats.openChat(1001, { type: "ORDER", id: 11_001 }, 0)).chat.chatId).toBe(1);
    expect((await b.chats.openChat(1001, { type: "ORDER", id: 11_002 }, 0)).chat.chatId).toBe(1);
    const raw = new Redis({ port: redis.port, host: "127.0.0.1" });
    try {
      const keys = await raw.keys("*");
      expect(keys.every((key) => key.startsWith("{team-a}:") || key.startsWith("{team-b}:")), keys.join(", ")).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it("keeps the journal within its entries and its bytes, newest last, ids one counter", async () => {
    const store = await open({ journalCapacity: 5, journalMaxBytes: 4_000 });
    const entry = (i: number, bodyChars: number) => ({
      time: Date.UTC(2026, 10, 25, 12, 0, i),
      method: "POST",
      path: "/v2/businesses/1001/chats/new",
      status: 200,
      durationMs: 1,
      counted: true,
      businessId: 1001,
      request: { headers: () => ({ "api-key": "[REDACTED]" }), body: "x".repeat(bodyChars) },
      response: { headers: { "content-type": "application/json" }, body: { status: "OK" } },
    });
    for (let i = 1; i <= 8; i++) expect(await store.journal.record(entry(i, 10))).toBe(i);
    let listed = await store.journal.list();
    expect(listed.map((e) => e.id)).toEqual([4, 5, 6, 7, 8]);
    expect(listed[0]).toMatchObject({ id: 4, time: "2026-11-25T12:00:04.000Z", request: { headers: { "api-key": "[REDACTED]" } } });
    // Three large entries (about 1.2 KB each) pass the byte cap: the oldest go until the rest fit.
    for (let i = 9; i <= 11; i++) await store.journal.record(entry(i, 1_200));
    listed = await store.journal.list();
    const bytes = listed.reduce((sum, e) => sum + JSON.stringify({ ...e, id: undefined }).length, 0);
    expect(bytes).toBeLessThanOrEqual(4_000);
    expect(listed.at(-1)?.id).toBe(11);
    expect(listed.length).toBeLessThan(5);
    expect((await store.journal.list({ limit: 1 })).map((e) => e.id)).toEqual([11]);
    expect(await store.journal.bytes()).toBeLessThanOrEqual(4_000);
    expect(await store.journal.size()).toBe(listed.length);
  });

  it("pages the journal by its before cursor, each page stopping once it holds maxBytes, every entry once", async () => {
    const store = await open({ journalCapacity: 50 });
    for (let i = 1; i <= 30; i++) {
      await store.journal.record({
        time: Date.UTC(2026, 10, 25, 12, 0, i),
        method: "POST",
        path: "/v2/businesses/1001/chats/new",
        businessId: i % 3 === 0 ? 1002 : 1001,
        status: 200,
        durationMs: 1,
        counted: true,
        request: { headers: {}, body: "y".repeat(100) },
        response: { headers: {}, body: { status: "OK" } },
      });
    }
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.journal.page({ businessId: 1001, maxBytes: 1_000, ...(before === undefined ? {} : { before }) });
      pages += 1;
      expect(page.total).toBe(20);
      // Oldest first within a page; each page older than the one before.
      expect(page.entries.map((e) => e.id)).toEqual([...page.entries.map((e) => e.id)].sort((a, b) => a - b));
      seen.unshift(...page.entries.map((e) => e.id));
      if (page.next === null) break;
      expect(page.next).toBe(page.entries[0]?.id);
      before = page.next;
    }
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1).filter((i) => i % 3 !== 0));
  });

  it("forgets the least recently used chat past maxChats, and ended quota windows", async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 25, 12));
    const store = await open({ maxChats: 2, clock, windowMs: 60_000 });
    const open1 = await store.chats.openChat(1001, { type: "ORDER", id: 1 }, clock.now());
    await store.chats.openChat(1001, { type: "ORDER", id: 2 }, clock.now());
    await store.chats.openChat(1001, { type: "ORDER", id: 1 }, clock.now()); // 1 used again: 2 is the oldest now
    await store.chats.openChat(1002, { type: "ORDER", id: 3 }, clock.now());
    expect((await store.chats.list()).map((c) => c.chatId)).toEqual([open1.chat.chatId, 3]);
    expect((await store.chats.list(1001)).map((c) => c.chatId)).toEqual([1]);
    expect((await store.chats.openChat(1001, { type: "ORDER", id: 2 }, clock.now())).chat.chatId).toBe(4);

    for (let business = 1; business <= 20; business++) await store.admit("createChat", business);
    clock.advance(60_000);
    // Each admission forgets a few ended windows; twenty admissions of one business forget them all.
    for (let i = 0; i < 20; i++) await store.admit("createChat", 1);
    const raw = new Redis({ port: redis.port, host: "127.0.0.1" });
    try {
      expect(await raw.hlen("{createchat-mock}:quota:createChat")).toBe(1);
      expect(await raw.zcard("{createchat-mock}:quota-ends:createChat")).toBe(1);
    } finally {
      raw.disconnect();
    }
  });
});
