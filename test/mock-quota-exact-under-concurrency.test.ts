import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { startMockServer, type RunningMock } from "../mock/http/server.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

describe("the quota is exact under concurrency", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, quota: 150 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it("200 simultaneous requests over a socket: exactly 150 pass, each Remaining value once, 50 get 420", async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${mock.url}/v2/businesses/1003/chats/new`, {
          method: "POST",
          headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
          body: JSON.stringify(orderContext(31001 + (i % 10))),
        }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 420);
    expect(ok).toHaveLength(150);
    expect(limited).toHaveLength(50);
    const remaining = ok.map((r) => Number(r.headers.get("X-RateLimit-Resource-Remaining"))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(limited.every((r) => r.headers.get("X-RateLimit-Resource-Remaining") === "0")).toBe(true);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
  });

  it("any interleaving of businesses in-process: each business gets exactly its quota (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.constantFrom(1001, 1002, 1003, 1004), { minLength: 1, maxLength: 40 }),
        async (quota, businesses) => {
          const app = createMockApp({ clock: createManualClock(T0), quota });
          const firstOrder: Record<number, number> = { 1001: 11001, 1002: 21001, 1003: 31001, 1004: 41001 };
          const responses = await Promise.all(businesses.map((b) => createChatRequest(app, b, orderContext(firstOrder[b] ?? 0))));
          for (const b of new Set(businesses)) {
            const mine = responses.filter((_, i) => businesses[i] === b);
            const sent = mine.length;
            expect(mine.filter((r) => r.status === 200)).toHaveLength(Math.min(sent, quota));
            expect(mine.filter((r) => r.status === 420)).toHaveLength(Math.max(0, sent - quota));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
