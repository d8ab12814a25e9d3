/**
 * The store's faults: Redis stopped (SIGSTOP: it holds its connections and answers nothing) or
 * killed in the middle of a load run. The replicas answer 500 STATE_STORE_UNAVAILABLE in the API's
 * shape while it is gone (never hanging: every answer comes while Redis is still stopped), health
 * says so, and when Redis is back they serve again without a restart; no answered request is lost
 * from the counts or counted twice. A Redis that cannot be reached at start: exit 2, one line.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningMock } from "../mock/server.js";
import { exitWithin, killAllChildren, startCli } from "./support/cli-child.js";
import { freePort } from "./support/free-port.js";
import { startRedisServer, skipRedis, type RedisServer } from "./support/redis-server.js";
import { closeAll, control, createChat, inParallel, startReplicas, tally, type ChatAnswer } from "./support/replicas.js";

interface Health {
  status: string;
  store?: { kind: string; location: string; available: boolean; reason?: string };
}

const TIMEOUT_MS = 300;

/** Asks health until it is `status` on every replica; bounded by `attempts` answers each. */
async function healthUntil(replicas: readonly RunningMock[], status: number, attempts = 5_000): Promise<void> {
  for (const replica of replicas) {
    for (let i = 0; ; i++) {
      const { status: got } = await control<Health>(replica.url, "GET", "/health");
      if (got === status) break;
      if (i >= attempts) throw new Error(`${replica.url}/__mock/health still not ${status} after ${attempts} answers`);
    }
  }
}

async function usedOf(replica: RunningMock, businessId = 1001): Promise<number> {
  const { body } = await control<{ businesses: Array<{ businessId: number; quota: { used: number } }> }>(replica.url, "GET", "/state");
  return body.businesses.find((b) => b.businessId === businessId)?.quota.used ?? -1;
}

const unavailable = (a: ChatAnswer) => a.status === 500 && a.body.status === "ERROR" && a.body.errors?.[0]?.code === "STATE_STORE_UNAVAILABLE";

describe.skipIf(skipRedis)("when Redis goes away", () => {
  let redis: RedisServer;
  let replicas: RunningMock[] = [];
  beforeEach(async () => {
    redis = await startRedisServer();
    replicas = await startReplicas(3, redis.url, { quota: 1_000_000, storeTimeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await closeAll(replicas);
    replicas = [];
    await redis.stop();
  });
  const at = (i: number) => (replicas[i % replicas.length] as RunningMock).url;

  it("stopped mid-load: 500 STATE_STORE_UNAVAILABLE while it is stopped, health 503, then served again; every counted answer has its own count", async () => {
    type Phase = "before" | "stopped" | "after";
    const run: { phase: Phase } = { phase: "before" };
    const answers: Array<ChatAnswer & { phase: Phase }> = [];
    let unavailableSeen = 0;
    let servedAfter = 0;
    let healthWhileStopped: Health[] = [];
    let sent = 0;
    const worker = async () => {
      // Bounded: the phases end long before this many requests.
      while (sent < 20_000 && !(run.phase === "after" && servedAfter >= 300)) {
        const i = sent++;
        const answer = await createChat(at(i), { type: "ORDER", id: 11_001 + (i % 10) });
        const during = run.phase;
        answers.push({ ...answer, phase: during });
        if (run.phase === "before" && answers.length >= 300) {
          run.phase = "stopped";
          redis.pause();
        } else if (run.phase === "stopped" && unavailable(answer) && ++unavailableSeen === 64) {
          // Still stopped: every answer so far came without Redis, so none waited for it.
          healthWhileStopped = await Promise.all(replicas.map(async (r) => (await control<Health>(r.url, "GET", "/health")).body));
          redis.resume();
          await healthUntil(replicas, 200);
          run.phase = "after";
        } else if (during === "after" && answer.status === 200) {
          servedAfter++;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    expect(run.phase).toBe("after");
    expect(servedAfter).toBeGreaterThanOrEqual(300);
    // What was answered while stopped is 200 (its script had run before the stop) or the store's 500.
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.every(unavailable), JSON.stringify(failed.find((a) => !unavailable(a)))).toBe(true);
    expect(failed.length).toBeGreaterThanOrEqual(64);
    expect(failed[0]?.body.errors?.[0]?.message).toMatch(/^The mock's state store redis:\/\/127\.0\.0\.1:\d+\/0 is unavailable \(.+\); retry later$/);
    for (const health of healthWhileStopped) {
      expect(health).toMatchObject({ status: "unavailable", store: { kind: "redis", available: false } });
      expect(health.store?.reason).toMatch(/no answer within 300 ms|not connected/);
    }
    // Every answer that carries the quota was counted once: no two share a count, and the total
    // holds them all, plus at most the requests whose script ran but whose answer the stop cut.
    const counted = answers.filter((a) => a.remaining !== null).map((a) => Number(a.remaining));
    expect(new Set(counted).size).toBe(counted.length);
    const used = await usedOf(replicas[0] as RunningMock);
    expect(used).toBeGreaterThanOrEqual(counted.length);
    expect(used - counted.length).toBeLessThanOrEqual(failed.length);
  });

  it("what queued while it was stopped does not count when it resumes: the scripts carry a deadline", async () => {
    await inParallel(30, 8, (i) => createChat(at(i), { type: "ORDER", id: 11_001 }));
    expect(await usedOf(replicas[0] as RunningMock)).toBe(30);
    redis.pause();
    const stopped = await inParallel(24, 24, (i) => createChat(at(i), { type: "ORDER", id: 11_002 }));
    expect(stopped.every(unavailable)).toBe(true);
    expect(stopped.every((a) => a.remaining === null)).toBe(true);
    redis.resume();
    await healthUntil(replicas, 200);
    // Redis ran the admissions that waited in its sockets, after their deadline: they changed nothing.
    expect(await usedOf(replicas[1] as RunningMock)).toBe(30);
    expect((await createChat(at(2), { type: "ORDER", id: 11_003 })).remaining).toBe(String(1_000_000 - 31));
  });

  it("killed and started again (empty): 500 and health 503 meanwhile, then the replicas serve again without a restart", async () => {
    expect((await createChat(at(0), { type: "ORDER", id: 11_001 })).body.result?.chatId).toBe(1);
    expect((await createChat(at(1), { type: "ORDER", id: 11_002 })).body.result?.chatId).toBe(2);
    await redis.kill();
    const answers = await inParallel(12, 6, (i) => createChat(at(i), { type: "ORDER", id: 11_003 }));
    expect(answers.every(unavailable)).toBe(true);
    for (const replica of replicas) {
      const health = await control<Health>(replica.url, "GET", "/health");
      expect(health.status).toBe(503);
      expect(health.body.store?.available).toBe(false);
    }
    // The control API says so too, in its own error shape.
    const state = await control<{ errors: Array<{ code: string }> }>(at(0), "GET", "/state");
    expect([state.status, state.body.errors[0]?.code]).toEqual([503, "STATE_STORE_UNAVAILABLE"]);

    await redis.restart();
    await healthUntil(replicas, 200);
    // Persistence is off: the state starts again, and every replica serves it.
    const after = await Promise.all(replicas.map((r, i) => createChat(r.url, { type: "ORDER", id: 11_004 + i })));
    expect(after.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(after.map((a) => a.body.result?.chatId).sort()).toEqual([1, 2, 3]);
    expect(tally(after.map((a) => a.remaining)).size).toBe(3);
  });
});

describe.skipIf(skipRedis)("in-flight slots across an outage", () => {
  it("a slot whose release met the outage is given back when Redis answers again, not when its lease expires", async () => {
    const redis = await startRedisServer();
    // One slot per business, a lease far longer than the test: only the give-back can free it.
    const replicas = await startReplicas(2, redis.url, { parallelLimit: 1, latency: { minMs: 400, maxMs: 400 }, storeTimeoutMs: TIMEOUT_MS, storeLeaseMs: 600_000 });
    const inFlight = async () => {
      const { body } = await control<{ businesses: Array<{ businessId: number; inFlight: number }> }>((replicas[1] as RunningMock).url, "GET", "/state");
      return body.businesses.find((b) => b.businessId === 1001)?.inFlight;
    };
    try {
      const pending = createChat((replicas[0] as RunningMock).url, { type: "ORDER", id: 11_001 });
      // Bounded: the request is admitted within a few answers of /state.
      for (let i = 0; (await inFlight()) !== 1; i++) if (i > 2_000) throw new Error("the request was never admitted");
      redis.pause();
      // Its latency ends while Redis is stopped: the chat cannot be opened, and the slot cannot be given back.
      expect(unavailable(await pending)).toBe(true);
      redis.resume();
      await healthUntil(replicas, 200);
      for (let i = 0; (await inFlight()) !== 0; i++) if (i > 2_000) throw new Error("the slot was never given back");
      const served = await createChat((replicas[1] as RunningMock).url, { type: "ORDER", id: 11_002 });
      expect(served.status).toBe(200);
    } finally {
      await closeAll(replicas);
      await redis.stop();
    }
  });
});

describe("a Redis the CLI cannot reach at start", () => {
  afterAll(() => killAllChildren());

  it("exits 2 with one line naming the store and why", async () => {
    const port = await freePort();
    const cli = startCli(["--store", `redis://:secret@127.0.0.1:${port}/0`, "--store-timeout", "2s", "--port", "0"]);
    const exit = await exitWithin(cli, 10_000);
    expect(exit.code).toBe(2);
    expect(cli.stderr()).toBe(`error: --store: cannot reach the state store redis://127.0.0.1:${port}/0: connection refused\n`);
    expect(cli.stdout()).toBe("");
  });
});
