/**
 * The mock in-process, as MSW users expect: no port, no socket, a fresh mock per test. Hand
 * `createMockFetch()` to the client as its `fetch`; its `control` steers the same mock.
 *
 *   npx vitest run --config examples/vitest.config.ts
 *
 * In your project: import from "market-createchat-mock/client" and "market-createchat-mock/testing".
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createChat, createMarketClient, type MarketClient } from "../client/index.js";
import { createMockFetch, type MockFetch } from "../testing/index.js";

describe("createChat against the in-process mock", () => {
  let fetch: MockFetch;
  let client: MarketClient;

  beforeEach(() => {
    fetch = createMockFetch({ quota: 2 });
    client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
  });

  it("opens one chat per order, the same one when asked twice", async () => {
    const first = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    const again = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    expect(first.ok && again.ok && [first.chatId, again.chatId]).toEqual([1, 1]);
  });

  it("sees an injected 500 as a typed failure", async () => {
    await fetch.control.fault({ status: 500, times: 1 });
    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    expect(result.ok ? undefined : result.errors[0]?.code).toBe("INTERNAL_ERROR");
    // The journal shows what the code under test sent, with the credential redacted.
    const [sent] = await fetch.control.requests();
    expect(sent?.request.body).toEqual({ context: { type: "ORDER", id: 11001 } });
    expect(sent?.request.headers["api-key"]).toBe("[REDACTED]");
  });
});
