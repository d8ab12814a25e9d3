import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, type CreateChatResult } from "../client/index.js";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { T0 } from "./support/api.js";

// The client against the real mock (in-process): every status it can get, typed, with the quota parsed.
function setup(options: Parameters<typeof createMockApp>[0] = {}) {
  const app = createMockApp({ clock: createManualClock(T0), ...options });
  const client = (credentials: { apiKey: string } | { oauthToken: string }) =>
    createMarketClient({ baseUrl: "http://mock.local", ...credentials, fetch: async (request) => app.fetch(request) });
  return { app, client };
}

const failure = (result: CreateChatResult) => {
  if (result.ok) throw new Error(`expected a failure, got chat ${result.chatId}`);
  return { status: result.status, code: result.errors[0]?.code, rateLimit: result.rateLimit };
};

describe("the typed client against the mock", () => {
  it("gets the chat, the same one again, and the quota state as numbers and a Date", async () => {
    const { client } = setup();
    const api = client({ apiKey: "demo-all-methods" });
    const first = await createChat(api, 1001, { context: { type: "ORDER", id: 11001 } });
    const again = await createChat(api, 1001, { orderId: 11001 });
    expect(first).toEqual({
      ok: true,
      status: 200,
      chatId: 1,
      rateLimit: { limit: 1000, remaining: 999, until: new Date("2026-11-25T13:00:01Z") },
    });
    expect(again.ok && again.chatId).toBe(1);
    expect(again.rateLimit?.remaining).toBe(998);
  });

  it("gets each error status typed, with the quota state where the request counted", async () => {
    const { client } = setup({ quota: 3 });
    const api = client({ apiKey: "demo-all-methods" });
    expect(failure(await createChat(client({ apiKey: "nope" }), 1001, { orderId: 11001 }))).toEqual({ status: 403, code: "INVALID_TOKEN", rateLimit: undefined });
    expect(failure(await createChat(api, 9999, { orderId: 11001 }))).toMatchObject({ status: 404, code: "BUSINESS_NOT_FOUND", rateLimit: undefined });
    expect(failure(await createChat(api, 1002, { context: { type: "RETURN", id: 22001 } }))).toMatchObject({ status: 400, code: "RETURN_CHAT_NOT_ALLOWED", rateLimit: { remaining: 2 } });
    expect(failure(await createChat(api, 1002, { orderId: 29999 }))).toMatchObject({ status: 404, code: "ORDER_NOT_FOUND", rateLimit: { remaining: 1 } });
    expect((await createChat(api, 1002, { orderId: 21001 })).ok).toBe(true);
    expect(failure(await createChat(api, 1002, { orderId: 21001 }))).toMatchObject({ status: 420, code: "LIMIT_EXCEEDED", rateLimit: { limit: 3, remaining: 0 } });
  });

  it("gets 401 and 500 (forced with Prefer, as an integrator's test would)", async () => {
    const { app } = setup();
    const forced = (code: number) =>
      createMarketClient({
        baseUrl: "http://mock.local",
        apiKey: "demo-all-methods",
        headers: { Prefer: `code=${code}` },
        fetch: async (request) => app.fetch(request),
      });
    expect(failure(await createChat(forced(401), 1001, { orderId: 11001 }))).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(failure(await createChat(forced(500), 1001, { orderId: 11001 }))).toMatchObject({ status: 500, code: "INTERNAL_ERROR" });
  });

  it("authenticates with the deprecated OAuth token", async () => {
    const { client } = setup();
    const result = await createChat(client({ oauthToken: "demo-oauth" }), 1003, { context: { type: "RETURN", id: 32001 } });
    expect(result.ok).toBe(true);
  });
});
