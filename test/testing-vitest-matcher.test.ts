/**
 * The vitest entry (market-createchat-mock/vitest): importing it adds `toHaveReceived` to
 * vitest's `expect`, typed, with verifyRequests's check and message.
 */
import { beforeEach, describe, expect, it } from "vitest";
import "../testing/vitest.js";
import { createChat, createMarketClient } from "../client/index.js";
import { createMockFetch, type MockFetch } from "../testing/index.js";

describe("expect(mock).toHaveReceived(criteria)", () => {
  let mock: MockFetch;

  beforeEach(async () => {
    mock = createMockFetch();
    const client = createMarketClient({ baseUrl: mock.baseUrl, apiKey: "demo-all-methods", fetch: mock });
    await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    await createChat(client, 1001, { context: { type: "ORDER", id: 99999 } });
  });

  it("passes when the journal holds the expected requests", async () => {
    await expect(mock).toHaveReceived({ businessId: 1001, status: 200, body: { context: { id: 11001 } }, count: { exactly: 1 } });
    await expect(mock).toHaveReceived();
    await expect(mock.control).toHaveReceived({ status: 404 });
  });

  it("fails with the near misses", async () => {
    const failure = await expect(mock).toHaveReceived({ status: 200, body: { context: { id: 11002 } } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain("but 0 of 2 journaled requests matched.\nNear misses, closest first:\n  #1 POST /v2/businesses/1001/chats/new -> 200 (business 1001): meets 1 of 2; body at /context/id: expected 11002, got 11001");
  });

  it("with .not, passes when nothing matched and fails listing what did", async () => {
    await expect(mock).not.toHaveReceived({ status: 500 });
    const failure = await expect(mock).not.toHaveReceived({ status: 404 }).catch((e: unknown) => e);
    expect((failure as Error).message).toBe(
      "Expected the mock not to have received at least 1 request matching: status 404\nbut 1 of 2 journaled requests matched:\n  #2 POST /v2/businesses/1001/chats/new -> 404 (business 1001)",
    );
  });

  it("is typed: criteria are checked by tsc", () => {
    // Never called: only the types are under test here, by `tsc --noEmit`.
    const typeOnly = () => [
      // @ts-expect-error status is a number
      expect(mock).toHaveReceived({ status: "200" }),
      // @ts-expect-error a count is { exactly } or { atLeast }
      expect(mock).toHaveReceived({ count: 2 }),
    ];
    expect(typeof typeOnly).toBe("function");
  });
});
