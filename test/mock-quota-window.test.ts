import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";
import { expectConformsToContract } from "./support/conformance.js";

const headersOf = (res: Response) => ({
  limit: res.headers.get("X-RateLimit-Resource-Limit"),
  remaining: res.headers.get("X-RateLimit-Resource-Remaining"),
  until: res.headers.get("X-RateLimit-Resource-Until"),
});

describe("the quota: 1,000 requests per business per fixed window", () => {
  it("allows exactly 1,000, answers the 1,001st with 420 until the window ends, then opens a fresh window", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });

    const remaining: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const res = await createChatRequest(app, 1001, orderContext(11001 + (i % 10)));
      expect(res.status).toBe(200);
      const h = headersOf(res);
      expect(h.limit).toBe("1000");
      // The window opened at 12:00:00.250 and lasts 1h; HTTP dates have whole seconds, rounded up.
      expect(h.until).toBe("Wed, 25 Nov 2026 13:00:01 GMT");
      remaining.push(Number(h.remaining));
    }
    expect(remaining).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));

    const over = await createChatRequest(app, 1001, orderContext(11001));
    expect(over.status).toBe(420);
    await expectConformsToContract(over);
    expect(headersOf(over)).toEqual({ limit: "1000", remaining: "0", until: "Wed, 25 Nov 2026 13:00:01 GMT" });
    expect(await over.json()).toEqual({
      status: "ERROR",
      errors: [
        {
          code: "LIMIT_EXCEEDED",
          message: "Hit rate limit of 1000 requests per 1h for businessId 1001; retry after Wed, 25 Nov 2026 13:00:01 GMT",
        },
      ],
    });

    // Another business has its own window.
    const other = await createChatRequest(app, 1003, orderContext(31001));
    expect(other.status).toBe(200);
    expect(headersOf(other).remaining).toBe("999");

    // One millisecond before the window ends: still 420.
    const almost = await app.request("/__mock/clock", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advanceMs: 3_600_000 - 1 }),
    });
    expect(almost.status).toBe(200);
    expect((await createChatRequest(app, 1001, orderContext(11001))).status).toBe(420);

    // At the window's end a fresh window opens.
    await app.request("/__mock/clock", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advanceMs: 1 }),
    });
    const fresh = await createChatRequest(app, 1001, orderContext(11001));
    expect(fresh.status).toBe(200);
    expect(headersOf(fresh)).toEqual({ limit: "1000", remaining: "999", until: "Wed, 25 Nov 2026 14:00:01 GMT" });
  });

  it("counts every request that passed credentials and business, whatever its outcome", async () => {
    const app = createMockApp({ clock: createManualClock(T0), quota: 5 });
    const remainingAfter = async (res: Promise<Response>) => (await res).headers.get("X-RateLimit-Resource-Remaining");

    expect(await remainingAfter(createChatRequest(app, 1001, orderContext(11001)))).toBe("4"); // 200
    expect(await remainingAfter(createChatRequest(app, 1001, orderContext(99999)))).toBe("3"); // 404 order
    expect(await remainingAfter(createChatRequest(app, 1001, "{bad"))).toBe("2"); // 400 body
    // Not counted: no credentials, a business the token may not use, an unknown business, a bad businessId.
    expect(await remainingAfter(createChatRequest(app, 1001, orderContext(11001), { token: "" }))).toBeNull();
    expect(await remainingAfter(createChatRequest(app, 2001, orderContext(51001)))).toBeNull();
    expect(await remainingAfter(createChatRequest(app, 4242, orderContext(11001)))).toBeNull();
    expect(await remainingAfter(createChatRequest(app, "x1", orderContext(11001)))).toBeNull();
    expect(await remainingAfter(createChatRequest(app, 1001, orderContext(11001)))).toBe("1");
  });

  it("takes --quota and --window: 3 requests per 90 s", async () => {
    const clock = createManualClock(T0);
    const app = createMockApp({ clock, quota: 3, windowMs: 90_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await createChatRequest(app, 1004, orderContext(41001))).status);
    expect(statuses).toEqual([200, 200, 200, 420]);
    const refused = await createChatRequest(app, 1004, orderContext(41001));
    expect(((await refused.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain(
      "Hit rate limit of 3 requests per 90s for businessId 1004",
    );
    clock.advance(90_000);
    expect((await createChatRequest(app, 1004, orderContext(41001))).status).toBe(200);
  });
});
