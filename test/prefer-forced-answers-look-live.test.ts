/**
 * A forced answer (`Prefer: code=…`) on a counted path tells a client the truth about its quota:
 * with credentials and a business it carries the business's live rate-limit headers (a spent window
 * for a forced 420, with the real window end), and the contract example's only where it has none.
 */
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createManualClock, windowEndHttpDate } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12);
const PATH = "/v2/businesses/1001/chats/new";
const body = JSON.stringify({ context: { type: "ORDER", id: 11001 } });
const example = (status: number, name: string) =>
  String(loadContract().operation("createChat").responses.get(status)?.headers.find((h) => h.name === name)?.example);

const send = (app: ReturnType<typeof createMockApp>, headers: Record<string, string>) =>
  app.request(PATH, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

describe("forced answers", () => {
  it("a forced 420 with credentials and a business: Remaining 0 and the real end of the business's window", async () => {
    const clock = createManualClock(T0);
    const app = createMockApp({ clock });
    await send(app, { "Api-Key": "demo-all-methods" }); // opens the window at T0
    clock.advance(10 * 60_000);
    const forced = await send(app, { "Api-Key": "demo-all-methods", Prefer: "code=420" });
    expect(forced.status).toBe(420);
    expect(forced.headers.get("x-ratelimit-resource-remaining")).toBe("0");
    expect(forced.headers.get("x-ratelimit-resource-until")).toBe(windowEndHttpDate(T0 + 3_600_000));
    // Nothing was counted by it.
    const state = (await (await app.request("/__mock/state")).json()) as { businesses: Array<{ businessId: number; quota: { used: number } }> };
    expect(state.businesses.find((b) => b.businessId === 1001)?.quota.used).toBe(1);
  });

  it("a forced 200 with credentials and a business: the business's remaining quota", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    await send(app, { "Api-Key": "demo-all-methods" });
    const forced = await send(app, { "Api-Key": "demo-all-methods", Prefer: "code=200" });
    expect(forced.headers.get("x-ratelimit-resource-remaining")).toBe("999");
  });

  it("without credentials or without a business it may use: the contract example's headers", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const requests: Array<Record<string, string>> = [{ Prefer: "code=420" }, { Prefer: "code=420", "Api-Key": "demo-other-seller" }];
    for (const headers of requests) {
      const forced = await send(app, headers);
      expect(forced.status).toBe(420);
      expect(forced.headers.get("x-ratelimit-resource-remaining")).toBe(example(420, "X-RateLimit-Resource-Remaining"));
    }
  });
});
