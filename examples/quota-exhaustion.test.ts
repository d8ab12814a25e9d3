/**
 * A vitest contract test of your own code against the mock: what it does when the quota of a
 * business is spent, and that it recovers once the window ends, without waiting an hour.
 *
 *   npx vitest run --config examples/vitest.config.ts
 *
 * In your project: import from "market-createchat-mock/client" and "market-createchat-mock/testing",
 * and let your own vitest (or jest) config pick the file up.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createChat, createMarketClient, type MarketClient } from "../client/index.js";
import { startMock, type StartedMock } from "../testing/index.js";

/** The code under test: open chats for a list of orders, stopping at the first refusal. */
async function openChats(client: MarketClient, businessId: number, orderIds: number[]) {
  const opened: number[] = [];
  for (const id of orderIds) {
    const result = await createChat(client, businessId, { context: { type: "ORDER", id } });
    if (!result.ok) return { opened, stoppedBy: result.status, retryAt: result.rateLimit?.until };
    opened.push(result.chatId);
  }
  return { opened, stoppedBy: undefined, retryAt: undefined };
}

describe("opening chats under the createChat quota", () => {
  let mock: StartedMock;
  let client: MarketClient;

  beforeAll(async () => {
    // A small quota keeps the test short; the real one is 1,000 per hour.
    mock = await startMock({ quota: 3, windowMs: 3_600_000 });
    client = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  });
  beforeEach(() => mock.control.reset());
  afterAll(() => mock.stop());

  it("stops at 420 once the quota is spent, with the time the window ends", async () => {
    const run = await openChats(client, 1001, [11001, 11002, 11003, 11004, 11005]);
    expect(run.opened).toEqual([1, 2, 3]);
    expect(run.stoppedBy).toBe(420);

    const state = await mock.control.state();
    const business = state.businesses.find((b) => b.businessId === 1001);
    expect(business?.quota.remaining).toBe(0);
    expect(run.retryAt?.toISOString()).toBe(business?.quota.until);
    // Every call reached the API and was counted, the refused one included.
    expect((await mock.control.requests({ businessId: 1001 })).map((r) => r.status)).toEqual([200, 200, 200, 420]);
  });

  it("goes on in the next window: advanceTime instead of waiting an hour", async () => {
    await openChats(client, 1001, [11001, 11002, 11003, 11004]);
    await mock.control.advanceTime("1h");
    const run = await openChats(client, 1001, [11004, 11005]);
    expect(run).toEqual({ opened: [4, 5], stoppedBy: undefined, retryAt: undefined });
  });

  it("counts each business on its own", async () => {
    await openChats(client, 1001, [11001, 11002, 11003, 11004]);
    const other = await openChats(client, 1003, [31001]);
    expect(other.opened).toHaveLength(1);
  });
});
