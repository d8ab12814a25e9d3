/**
 * Everything the mock keeps grows only to a bound: the chat store is an LRU with a cap (recent
 * chats stay idempotent, the least recently used is forgotten), quota windows are dropped once
 * they end, the journal is a ring of the configured size. (Faults: at most 1,000, see
 * robustness-control-api-is-locked.test.ts; RSS under load: `npm run soak`.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import type { Fixtures } from "../mock/state/fixtures.js";
import { createQuota } from "../mock/state/quota.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createChatStore, DEFAULT_MAX_CHATS, type ChatContextKey } from "../mock/state/chats.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

const order = (id: number): ChatContextKey => ({ type: "ORDER", id });

describe("the chat store is a bounded LRU", () => {
  it("forgets the least recently used chat past the cap; a chat used again stays", () => {
    const store = createChatStore({ maxChats: 3 });
    const a = store.openChat(1, order(1), T0).chat.chatId;
    store.openChat(1, order(2), T0);
    store.openChat(1, order(3), T0);
    // Asking for 1 again makes it the most recent, so 2 is now the oldest.
    expect(store.openChat(1, order(1), T0)).toMatchObject({ created: false, chat: { chatId: a } });
    store.openChat(1, order(4), T0);
    expect(store.size()).toBe(3);
    expect(store.list().map((c) => c.context.id)).toEqual([1, 3, 4]);
    // 2 was forgotten: asking again opens a new chat with a new, never reused id.
    expect(store.openChat(1, order(2), T0)).toMatchObject({ created: true, chat: { chatId: 5 } });
    expect(store.list().map((c) => c.chatId)).toEqual([1, 4, 5]);
    expect(store.list(1)).toHaveLength(3);
  });

  it("has a default cap of 10,000 and refuses a cap that is no positive integer", () => {
    expect(DEFAULT_MAX_CHATS).toBe(10_000);
    expect(createChatStore().maxChats).toBe(10_000);
    for (const maxChats of [0, -1, 1.5, Number.NaN]) expect(() => createChatStore({ maxChats })).toThrow(/maxChats must be an integer >= 1/);
  });

  it("never holds more than the cap, and the per-business lists agree with the whole (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ businessId: fc.integer({ min: 1, max: 3 }), id: fc.integer({ min: 1, max: 12 }) }), { maxLength: 200 }),
        (maxChats, calls) => {
          const store = createChatStore({ maxChats });
          const recent: string[] = []; // keys, least recently used first
          for (const { businessId, id } of calls) {
            const key = `${businessId}/${id}`;
            const { created } = store.openChat(businessId, order(id), T0);
            // Idempotent exactly while the key is among the last `maxChats` distinct keys used.
            expect(created).toBe(!recent.includes(key));
            if (recent.includes(key)) recent.splice(recent.indexOf(key), 1);
            recent.push(key);
            if (recent.length > maxChats) recent.shift();
            expect(store.size()).toBeLessThanOrEqual(maxChats);
          }
          const all = store.list();
          expect(all.map((c) => `${c.businessId}/${c.context.id}`).sort()).toEqual([...recent].sort());
          const perBusiness = [1, 2, 3].flatMap((b) => store.list(b));
          expect(perBusiness.map((c) => c.chatId).sort((x, y) => x - y)).toEqual(all.map((c) => c.chatId));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("caps the app's chats through the maxChats option; recent contexts keep their chatId", async () => {
    const state = createMockState({ clock: createManualClock(T0), maxChats: 4 });
    const app = createMockApp({ state });
    const chatIdOf = async (orderId: number) => ((await (await createChatRequest(app, 1001, orderContext(orderId))).json()) as { result: { chatId: number } }).result.chatId;
    for (let i = 0; i < 10; i += 1) await chatIdOf(11001 + i);
    expect(state.chats.size()).toBe(4);
    expect(await chatIdOf(11010)).toBe(10); // recent: same chat
    expect(await chatIdOf(11001)).toBe(11); // forgotten: a new chat
    expect(state.chats.size()).toBe(4);
  });
});

describe("quota windows expire", () => {
  it("drops the windows of 10,000 businesses once their window has passed, on the next request", () => {
    const clock = createManualClock(T0);
    const quota = createQuota({ limit: 1000, windowMs: 60_000, clock });
    for (let b = 1; b <= 10_000; b += 1) quota.take(b);
    expect(quota.size()).toBe(10_000);
    clock.advance(30_000);
    quota.take(10_001);
    expect(quota.size()).toBe(10_001); // still inside their window: kept
    clock.advance(30_000);
    quota.take(10_002);
    // The first 10,000 windows ended at T0 + 60 s: forgotten; 10,001 and 10,002 remain.
    expect(quota.size()).toBe(2);
    expect(quota.peek(1)).toBeUndefined();
  });

  it("keeps memory at the businesses active in the last window under a long run through the app", async () => {
    const businesses = Array.from({ length: 200 }, (_, i) => 9001 + i);
    const fixtures: Fixtures = {
      tokens: [{ token: "t", scheme: "api-key", scopes: ["communication"], businesses }],
      businesses: businesses.map((id) => ({ id, model: "FBS", orders: [1, 2, 3], returns: [] })),
    };
    const clock = createManualClock(T0);
    const state = createMockState({ clock, fixtures, windowMs: 10_000 });
    const app = createMockApp({ state });
    // 2,000 requests, one business after another, the clock a second further every 100 requests.
    for (let i = 0; i < 2_000; i += 1) {
      if (i % 100 === 0) clock.advance(1_000);
      const res = await createChatRequest(app, businesses[i % 200] as number, orderContext(1 + (i % 3)), { token: "t" });
      expect(res.status).toBe(200);
    }
    // Each business had a request in the last 10 s, so all 200 windows are live, never more.
    expect(state.quota("createChat").size()).toBe(200);
    clock.advance(10_000);
    await createChatRequest(app, 9001, orderContext(1), { token: "t" });
    expect(state.quota("createChat").size()).toBe(1);
    // Chats: one per (business, order), bounded by the fixtures here.
    expect(state.chats.size()).toBe(600);
  });
});

describe("the journal is a ring of the configured size", () => {
  it("journalCapacity 50: after 300 requests it holds the newest 50, ids 251..300", async () => {
    const app = createMockApp({ clock: createManualClock(T0), journalCapacity: 50, quota: 1_000_000 });
    for (let i = 0; i < 300; i += 1) await createChatRequest(app, 1001, orderContext(11001 + (i % 10)));
    const journal = (await (await app.request("/__mock/requests")).json()) as { total: number; capacity: number; requests: Array<{ id: number }> };
    expect(journal.capacity).toBe(50);
    expect(journal.total).toBe(50);
    expect(journal.requests.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => 251 + i));
  });
});
