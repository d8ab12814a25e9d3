import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createChatRequest, createHeldSleep, orderContext, settle, T0 } from "./support/api.js";
import { expectConformsToContract } from "./support/conformance.js";

describe("the in-flight limit per business (--parallel-limit)", () => {
  it("answers exactly the requests beyond N in flight with 420, and frees slots when requests finish", async () => {
    const held = createHeldSleep();
    const app = createMockApp({
      clock: createManualClock(T0),
      parallelLimit: 4,
      latency: { minMs: 50, maxMs: 50 },
      sleep: held.sleep,
    });

    const burst = Array.from({ length: 10 }, (_, i) => createChatRequest(app, 1001, orderContext(11001 + i)));
    const elsewhere = createChatRequest(app, 1003, orderContext(31001));
    await settle();
    // Four requests of 1001 and the one of 1003 hold their slots while the latency is spent.
    expect(held.pending).toHaveLength(5);
    held.releaseAll();

    const responses = await Promise.all(burst);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 420)).toHaveLength(6);
    const refused = responses.find((r) => r.status === 420) as Response;
    await expectConformsToContract(refused);
    expect(await refused.json()).toEqual({
      status: "ERROR",
      errors: [{ code: "LIMIT_EXCEEDED", message: "Hit rate limit of 4 parallel requests for businessId 1001" }],
    });
    // Refused requests still count against the quota: all ten were counted.
    const remaining = responses.map((r) => Number(r.headers.get("X-RateLimit-Resource-Remaining"))).sort((a, b) => a - b);
    expect(remaining).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect((await elsewhere).status).toBe(200);

    // All slots are free again.
    const next = createChatRequest(app, 1001, orderContext(11001));
    await settle();
    held.releaseAll();
    expect((await next).status).toBe(200);
  });

  it("is off by default: ten concurrent requests all succeed", async () => {
    const held = createHeldSleep();
    const app = createMockApp({ clock: createManualClock(T0), latency: { minMs: 5, maxMs: 5 }, sleep: held.sleep });
    const burst = Array.from({ length: 10 }, (_, i) => createChatRequest(app, 1001, orderContext(11001 + i)));
    await settle();
    expect(held.pending).toHaveLength(10);
    held.releaseAll();
    expect((await Promise.all(burst)).map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe("injected latency (--latency)", () => {
  it("is spent on counted requests only, with a fixed value or a value from the range", async () => {
    const waits: number[] = [];
    const randoms = [0, 0.999999, 0.5];
    const app = createMockApp({
      clock: createManualClock(T0),
      latency: { minMs: 50, maxMs: 200 },
      sleep: async (ms) => void waits.push(ms),
      random: () => randoms.shift() ?? 0,
    });
    await createChatRequest(app, 1001, orderContext(11001));
    await createChatRequest(app, 1001, orderContext(11001), { token: "" }); // 401: not counted, no latency
    await createChatRequest(app, 1001, orderContext(11002));
    await createChatRequest(app, 1001, "{bad"); // counted: latency before the body is judged
    expect(waits).toEqual([50, 200, 125]);
  });
});

describe("faults (control API) apply before the body is judged and still count", () => {
  it("answers a matching request with the fault even when its body is bad, with the quota headers", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const add = await app.request("/__mock/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: 500, times: 1, match: { businessId: 1001 } }),
    });
    expect(add.status).toBe(201);

    const faulted = await createChatRequest(app, 1001, "{bad");
    expect(faulted.status).toBe(500);
    await expectConformsToContract(faulted);
    expect(((await faulted.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("INTERNAL_ERROR");
    expect(faulted.headers.get("X-RateLimit-Resource-Remaining")).toBe("999");

    const after = await createChatRequest(app, 1001, "{bad");
    expect(after.status).toBe(400);
    expect(after.headers.get("X-RateLimit-Resource-Remaining")).toBe("998");
  });

  it("matches on the context type named by the body, and the legacy orderId counts as ORDER", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    await app.request("/__mock/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: 404, match: { contextType: "ORDER" } }),
    });
    expect((await createChatRequest(app, 1001, { context: { type: "RETURN", id: 12001 } })).status).toBe(200);
    expect((await createChatRequest(app, 1001, orderContext(11001))).status).toBe(404);
    expect((await createChatRequest(app, 1003, { orderId: 31001 })).status).toBe(404);
  });
});
