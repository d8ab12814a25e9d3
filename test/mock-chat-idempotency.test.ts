import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createChatStore } from "../mock/state/chats.js";
import { createChatRequest, orderContext, returnContext, T0 } from "./support/api.js";

const chatIdOf = async (res: Response | Promise<Response>) => {
  const r = await res;
  expect(r.status).toBe(200);
  return ((await r.json()) as { result: { chatId: number } }).result.chatId;
};

describe("chats are idempotent per (business, context)", () => {
  it("gives the same chatId for the same order and a new one for a new context", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const first = await chatIdOf(createChatRequest(app, 1001, orderContext(11001)));
    expect(await chatIdOf(createChatRequest(app, 1001, orderContext(11001)))).toBe(first);
    const second = await chatIdOf(createChatRequest(app, 1001, orderContext(11002)));
    expect(second).not.toBe(first);
    const aReturn = await chatIdOf(createChatRequest(app, 1001, returnContext(12001)));
    expect(new Set([first, second, aReturn]).size).toBe(3);
  });

  it("treats the deprecated orderId as the same chat as context ORDER, in either order", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const viaLegacy = await chatIdOf(createChatRequest(app, 1003, { orderId: 31002 }));
    expect(await chatIdOf(createChatRequest(app, 1003, orderContext(31002)))).toBe(viaLegacy);
    const viaContext = await chatIdOf(createChatRequest(app, 1004, orderContext(41002)));
    expect(await chatIdOf(createChatRequest(app, 1004, { orderId: 41002 }))).toBe(viaContext);
    expect(await chatIdOf(createChatRequest(app, 1004, { orderId: 41002, context: { type: "ORDER", id: 41002 } }))).toBe(viaContext);
  });

  it("keeps chats in the injected store, where a test can read them", async () => {
    const store = createChatStore({ firstChatId: 500 });
    const app = createMockApp({ clock: createManualClock(T0), store });
    expect(await chatIdOf(createChatRequest(app, 1001, orderContext(11003)))).toBe(500);
    expect(store.list(1001)).toEqual([
      {
        chatId: 500,
        businessId: 1001,
        context: { type: "ORDER", id: 11003 },
        type: "CHAT",
        status: "NEW",
        createdAt: new Date(T0).toISOString(),
        updatedAt: new Date(T0).toISOString(),
      },
    ]);
  });

  it("holds for any sequence of requests: one chatId per distinct context, stable on repeats (property)", async () => {
    const contexts = [
      ...[11001, 11002, 11003].map((id) => ({ businessId: 1001, body: orderContext(id), key: `1001/ORDER/${id}` })),
      ...[12001, 12002].map((id) => ({ businessId: 1001, body: returnContext(id), key: `1001/RETURN/${id}` })),
      ...[11001, 11002].map((id) => ({ businessId: 1001, body: { orderId: id }, key: `1001/ORDER/${id}` })),
      ...[31001, 32001].map((id) => ({
        businessId: 1003,
        body: id < 32000 ? orderContext(id) : returnContext(id),
        key: `1003/${id < 32000 ? "ORDER" : "RETURN"}/${id}`,
      })),
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...contexts), { minLength: 1, maxLength: 30 }), async (sequence) => {
        const state = createMockState({ clock: createManualClock(T0) });
        const app = createMockApp({ state });
        const seen = new Map<string, number>();
        for (const c of sequence) {
          const chatId = await chatIdOf(createChatRequest(app, c.businessId, c.body));
          if (seen.has(c.key)) expect(chatId).toBe(seen.get(c.key));
          seen.set(c.key, chatId);
        }
        expect(new Set(seen.values()).size).toBe(seen.size);
        expect(state.chats.list()).toHaveLength(seen.size);
      }),
      { numRuns: 60 },
    );
  });
});
