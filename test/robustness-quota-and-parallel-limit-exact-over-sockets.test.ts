/**
 * The quota and the in-flight limit are exact under real concurrency over sockets: 1,200 requests
 * to one business, 64 at a time, give exactly 1,000 × 200 and 200 × 420 with each Remaining value
 * seen once; `--parallel-limit 4` with latency gives exactly 4 × 200 for 10 simultaneous requests,
 * and a client that aborts gives its slot back at once instead of after the latency.
 */
import { request as httpRequest, Agent } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";

const running: RunningMock[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()));
});

async function start(options: Parameters<typeof startMockServer>[0]): Promise<RunningMock> {
  const mock = await startMockServer({ port: 0, ...options });
  running.push(mock);
  return mock;
}

interface Answer {
  status: number;
  remaining: string | undefined;
  until: string | undefined;
}

function createChat(mock: RunningMock, agent: Agent, businessId: number, orderId: number, signal?: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${mock.url}/v2/businesses/${businessId}/chats/new`,
      { method: "POST", agent, signal, headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" } },
      (res) => {
        res.resume();
        const header = (name: string) => res.headers[name] as string | undefined;
        res.on("end", () => resolve({ status: res.statusCode ?? 0, remaining: header("x-ratelimit-resource-remaining"), until: header("x-ratelimit-resource-until") }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ context: { type: "ORDER", id: orderId } }));
  });
}

async function inFlight(mock: RunningMock, businessId: number): Promise<number> {
  const state = (await (await fetch(`${mock.url}/__mock/state`)).json()) as { businesses: Array<{ businessId: number; inFlight: number }> };
  return state.businesses.find((b) => b.businessId === businessId)?.inFlight ?? -1;
}

describe("the quota under 64 concurrent connections (the one socket test of quota exactness)", () => {
  it("1,200 requests to one business: exactly 1,000 × 200 with Remaining 999..0 once each, then 200 × 420, one Until, and a fresh window after POST /__mock/clock", async () => {
    const mock = await start({});
    // 64 keep-alive sockets: the agent queues the rest, so 64 requests are in flight at a time.
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    let answers: Answer[] = [];
    try {
      answers = await Promise.all(Array.from({ length: 1_200 }, (_, i) => createChat(mock, agent, 1003, 31001 + (i % 10))));
      const ok = answers.filter((a) => a.status === 200);
      const limited = answers.filter((a) => a.status === 420);
      const untils = new Set(answers.map((a) => a.until));
      expect(untils.size).toBe(1);
      expect(ok).toHaveLength(1_000);
      expect(limited).toHaveLength(200);
      const remaining = ok.map((a) => Number(a.remaining)).sort((a, b) => a - b);
      expect(remaining).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
      expect(new Set(limited.map((a) => a.remaining))).toEqual(new Set(["0"]));
      // Every socket was used: the concurrency was real.
      expect(Object.values(agent.freeSockets).flat().length).toBe(64);
    } finally {
      agent.destroy();
    }
    const state = (await (await fetch(`${mock.url}/__mock/state`)).json()) as {
      businesses: Array<{ businessId: number; quota: { used: number; remaining: number; until: string } }>;
    };
    // The state names the same window end as the headers (in ISO 8601, as every instant of the control API).
    const [until] = [...new Set(answers.map((a) => a.until))];
    expect(state.businesses.find((b) => b.businessId === 1003)?.quota).toMatchObject({ used: 1_200, remaining: 0, until: new Date(until ?? "").toISOString() });

    const moved = await fetch(`${mock.url}/__mock/clock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ advanceMs: 3_600_000 }) });
    expect(moved.status).toBe(200);
    const fresh = await createChat(mock, new Agent(), 1003, 31001);
    expect(fresh).toMatchObject({ status: 200, remaining: "999" });
  });
});

describe("--parallel-limit 4 with latency over sockets", () => {
  it("10 simultaneous requests: exactly 4 × 200 and 6 × 420", async () => {
    const mock = await start({ parallelLimit: 4, latency: { minMs: 300, maxMs: 300 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => createChat(mock, agent, 1001, 11001 + i)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
      expect(answers.filter((a) => a.status === 420)).toHaveLength(6);
    } finally {
      agent.destroy();
    }
    expect(await inFlight(mock, 1001)).toBe(0);
  });

  it("frees the slots of clients that abort during the latency, at once", async () => {
    // A latency far longer than the test: without the release on abort, the slots would stay taken.
    const mock = await start({ parallelLimit: 4, latency: { minMs: 20_000, maxMs: 20_000 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    try {
      const first = new AbortController();
      const held = Array.from({ length: 4 }, (_, i) => createChat(mock, agent, 1001, 11001 + i, first.signal).catch((e: Error) => e.name));
      await waitFor(async () => (await inFlight(mock, 1001)) === 4);
      // The fifth finds no slot and is answered at once.
      expect((await createChat(mock, agent, 1001, 11005)).status).toBe(420);

      first.abort();
      expect(await Promise.all(held)).toEqual(Array(4).fill("AbortError"));
      await waitFor(async () => (await inFlight(mock, 1001)) === 0, 1_000);

      // Four new requests take the four slots again (a refused one would have been answered at once).
      const second = new AbortController();
      const again = Array.from({ length: 4 }, (_, i) => createChat(mock, agent, 1001, 11001 + i, second.signal).catch((e: Error) => e.name));
      await waitFor(async () => (await inFlight(mock, 1001)) === 4);
      second.abort();
      expect(await Promise.all(again)).toEqual(Array(4).fill("AbortError"));
      await waitFor(async () => (await inFlight(mock, 1001)) === 0, 1_000);
    } finally {
      agent.destroy();
    }
  });
});

/** Polls `check` every 20 ms; fails the test if it does not hold within `ms`. */
async function waitFor(check: () => Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
