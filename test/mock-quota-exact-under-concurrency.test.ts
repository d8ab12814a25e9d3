import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

describe("the quota is exact under concurrency", () => {
  // Over a socket: test/robustness-quota-and-parallel-limit-exact-over-sockets.test.ts.
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
