/**
 * A suite that mocks with MSW already: the code under test calls the real service's host with
 * global fetch (or axios), unchanged; `createMswHandlers(mock)` puts the mock behind that host,
 * in this process, and `verifyRequests` / `toHaveReceived` assert what the mock received.
 *
 *   npx vitest run --config examples/vitest.config.ts
 *
 * In your project: import from "market-createchat-mock/msw", "market-createchat-mock/testing" and
 * "market-createchat-mock/vitest" (msw and, here, axios in your devDependencies).
 */
import axios from "axios";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMswHandlers } from "../testing/msw.js";
import { createMockFetch, RequestVerificationError, verifyRequests } from "../testing/index.js";
import "../testing/vitest.js";

/** The code under test: it calls the real service and knows nothing of the mock. */
async function openChats(apiKey: string, businessId: number, orderIds: number[]) {
  const opened: number[] = [];
  for (const id of orderIds) {
    const response = await fetch(`https://api.partner.market.yandex.ru/v2/businesses/${businessId}/chats/new`, {
      method: "POST",
      headers: { "Api-Key": apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id } }),
    });
    if (response.status === 420) return { opened, retryAfter: response.headers.get("X-RateLimit-Resource-Until") };
    if (!response.ok) throw new Error(`createChat answered HTTP ${response.status}`);
    const { result } = (await response.json()) as { result: { chatId: number } };
    opened.push(result.chatId);
  }
  return { opened, retryAfter: null };
}

// One mock for the file, behind the real host; a small quota keeps the 420 test short.
const mock = createMockFetch({ quota: 3 });
const server = setupServer(...createMswHandlers(mock));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => mock.control.reset());
afterAll(() => server.close());

describe("opening chats, with MSW in front of the Market API", () => {
  it("opens one chat per order, and the mock received exactly those requests", async () => {
    const run = await openChats("demo-all-methods", 1001, [11001, 11002]);
    expect(run.opened).toEqual([1, 2]);

    await verifyRequests(mock, { method: "POST", businessId: 1001, status: 200, count: { exactly: 2 } });
    await expect(mock).toHaveReceived({ body: { context: { id: 11002 } }, count: { exactly: 1 } });
  });

  it("stops at the quota's 420 and sends nothing after it", async () => {
    const run = await openChats("demo-all-methods", 1001, [11001, 11002, 11003, 11004, 11005]);
    expect(run.opened).toEqual([1, 2, 3]);
    expect(run.retryAfter).toMatch(/ GMT$/);

    await expect(mock).toHaveReceived({ status: 420, count: { exactly: 1 } });
    await expect(mock).not.toHaveReceived({ body: { context: { id: 11005 } } });
  });

  it("fails loudly on a server error, and an axios caller meets it too", async () => {
    await mock.control.fault({ status: 500, times: 2 });
    await expect(openChats("demo-all-methods", 1001, [11001])).rejects.toThrow("HTTP 500");
    const viaAxios = await axios.post("https://api.partner.market.yandex.ru/v2/businesses/1001/chats/new", { orderId: 11001 }, {
      headers: { "Api-Key": "demo-all-methods" },
      validateStatus: () => true,
    });
    expect(viaAxios.status).toBe(500);

    await verifyRequests(mock, { status: 500, count: { exactly: 2 } });
  });

  it("names the closest requests when a verification fails", async () => {
    await openChats("demo-all-methods", 1001, [11001]);
    const failure = await verifyRequests(mock, { businessId: 1001, body: { context: { id: 11009 } } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestVerificationError);
    expect((failure as Error).message).toContain("meets 1 of 2; body at /context/id: expected 11009, got 11001");
  });
});
