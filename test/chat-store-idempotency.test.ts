import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createChatStore, type ChatContextKey } from "../mock/state/chats.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const order = (id: number): ChatContextKey => ({ type: "ORDER", id });
const ret = (id: number): ChatContextKey => ({ type: "RETURN", id });

describe("chat store: one chat per (business, context)", () => {
  it("creates a chat with chatId 1 and the given time, then returns the same chat unchanged", () => {
    const store = createChatStore();
    const first = store.openChat(1001, order(11001), T0);
    expect(first).toEqual({
      created: true,
      chat: {
        chatId: 1,
        businessId: 1001,
        context: { type: "ORDER", id: 11001 },
        type: "CHAT",
        status: "NEW",
        createdAt: "2026-11-25T12:00:00.000Z",
        updatedAt: "2026-11-25T12:00:00.000Z",
      },
    });
    const again = store.openChat(1001, order(11001), T0 + 60_000);
    expect(again.created).toBe(false);
    expect(again.chat).toEqual(first.chat); // createdAt stays the first opening's time
  });

  it("gives a different business with the same context its own chat", () => {
    const store = createChatStore();
    const a = store.openChat(1001, order(5), T0).chat.chatId;
    const b = store.openChat(1002, order(5), T0).chat.chatId;
    expect([a, b]).toEqual([1, 2]);
  });

  it("treats ORDER 5 and RETURN 5 as different chats", () => {
    const store = createChatStore();
    const a = store.openChat(1001, order(5), T0);
    const b = store.openChat(1001, ret(5), T0);
    expect(b.created).toBe(true);
    expect(b.chat.chatId).not.toBe(a.chat.chatId);
    expect(store.openChat(1001, ret(5), T0).chat.chatId).toBe(b.chat.chatId);
  });

  it("numbers from firstChatId", () => {
    const store = createChatStore({ firstChatId: 500 });
    expect(store.openChat(1, order(1), T0).chat.chatId).toBe(500);
    expect(store.openChat(1, order(2), T0).chat.chatId).toBe(501);
  });

  it("lists chats in creation order, for all businesses or one", () => {
    const store = createChatStore();
    store.openChat(1001, order(1), T0);
    store.openChat(1002, order(1), T0);
    store.openChat(1001, ret(2), T0);
    store.openChat(1001, order(1), T0); // repeat: no new entry
    expect(store.list().map((c) => [c.businessId, c.context.type, c.context.id, c.chatId])).toEqual([
      [1001, "ORDER", 1, 1],
      [1002, "ORDER", 1, 2],
      [1001, "RETURN", 2, 3],
    ]);
    expect(store.list(1001).map((c) => c.chatId)).toEqual([1, 3]);
    expect(store.list(4242)).toEqual([]);
  });

  it("reset forgets every chat and restarts numbering", () => {
    const store = createChatStore({ firstChatId: 10 });
    store.openChat(1001, order(1), T0);
    store.openChat(1001, order(2), T0);
    store.reset();
    expect(store.list()).toEqual([]);
    const after = store.openChat(1001, order(2), T0);
    expect(after).toMatchObject({ created: true, chat: { chatId: 10 } });
  });

  it("does not let callers change its state through returned values or the context they passed", () => {
    const store = createChatStore();
    const context = order(7);
    const { chat } = store.openChat(1001, context, T0);
    context.id = 8;
    expect(() => {
      (chat as { chatId: number }).chatId = 99;
    }).toThrow(TypeError);
    store.list().pop();
    expect(store.list()).toHaveLength(1);
    expect(store.openChat(1001, order(7), T0)).toMatchObject({ created: false, chat: { chatId: 1, context: { id: 7 } } });
  });

  it.each([
    ["businessId 0", () => createChatStore().openChat(0, order(1), T0), /businessId/],
    ["fractional context id", () => createChatStore().openChat(1, order(1.5), T0), /context\.id/],
    ["unknown context type", () => createChatStore().openChat(1, { type: "CHAT" as "ORDER", id: 1 }, T0), /context\.type/],
    ["firstChatId 0", () => createChatStore({ firstChatId: 0 }), /firstChatId/],
  ])("rejects %s", (_name, run, message) => {
    expect(run).toThrow(message);
  });

  it("property: chatIds are unique per distinct key, stable per repeated key, and dense from firstChatId", () => {
    const call = fc.record({
      businessId: fc.integer({ min: 1, max: 4 }),
      type: fc.constantFrom<"ORDER" | "RETURN">("ORDER", "RETURN"),
      id: fc.integer({ min: 1, max: 6 }), // small ranges so keys repeat often
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 80 }), fc.integer({ min: 1, max: 1_000_000 }), (calls, firstChatId) => {
        const store = createChatStore({ firstChatId });
        const seen = new Map<string, number>();
        for (const [step, c] of calls.entries()) {
          const key = `${c.businessId}/${c.type}/${c.id}`;
          const { chat, created } = store.openChat(c.businessId, { type: c.type, id: c.id }, T0 + step);
          const known = seen.get(key);
          if (known === undefined) {
            expect(created).toBe(true);
            expect(chat.chatId).toBe(firstChatId + seen.size); // next id, deterministic
            seen.set(key, chat.chatId);
          } else {
            expect(created).toBe(false);
            expect(chat.chatId).toBe(known);
          }
          expect(chat).toMatchObject({ businessId: c.businessId, context: { type: c.type, id: c.id } });
        }
        const ids = store.list().map((chat) => chat.chatId);
        expect(new Set(ids).size).toBe(seen.size);
        expect(ids).toEqual([...seen.values()]);
      }),
      { numRuns: 200 },
    );
  });
});
