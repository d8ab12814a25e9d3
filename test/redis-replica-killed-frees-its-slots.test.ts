/**
 * A replica killed with SIGKILL in the middle of a request never gives its in-flight slot back;
 * the slot is a lease that Redis lets expire (`--store-lease`), so the business is not locked out
 * for ever. The test waits on Redis's own events (keyspace notifications): the lease taken, the
 * lease's key expired.
 */
import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningMock } from "../mock/server.js";
import { killAllChildren, startCli } from "./support/cli-child.js";
import { startRedisServer, skipRedis } from "./support/redis-server.js";
import { closeAll, createChat, startReplicas } from "./support/replicas.js";

describe.skipIf(skipRedis)("a replica killed mid-request", () => {
  afterAll(() => killAllChildren());

  it("holds its slot until the lease expires, then the business is served again", async () => {
    const redis = await startRedisServer();
    const events = new Redis({ port: redis.port, host: "127.0.0.1", lazyConnect: true });
    let replicas: RunningMock[] = [];
    try {
      await events.connect();
      await events.config("SET", "notify-keyspace-events", "KEA");
      const leaseKey = "{createchat-mock}:in-flight:1001";
      await events.subscribe(`__keyspace@0__:${leaseKey}`);
      const seen = (event: string) =>
        new Promise<void>((resolve) => {
          const listener = (_channel: string, message: string) => {
            if (message !== event) return;
            events.off("message", listener);
            resolve();
          };
          events.on("message", listener);
        });

      const settings = ["--parallel-limit", "1", "--store-lease", "2s"];
      const doomed = startCli(["--store", redis.url, ...settings, "--latency", "60000", "--port", "0"]);
      const doomedUrl = await doomed.url;
      replicas = await startReplicas(1, redis.url, { parallelLimit: 1, storeLeaseMs: 2_000 });
      const survivor = (replicas[0] as RunningMock).url;

      const leased = seen("zadd");
      const cut = createChat(doomedUrl, { type: "ORDER", id: 11_001 }).then(
        () => "answered",
        () => "cut",
      );
      await leased;
      const expired = seen("expired");
      doomed.child.kill("SIGKILL");
      expect((await doomed.exited).signal).toBe("SIGKILL");
      expect(await cut).toBe("cut");

      // The dead replica's slot is still taken: the one business slot is in flight.
      const refused = await createChat(survivor, { type: "ORDER", id: 11_002 });
      expect([refused.status, refused.body.errors?.[0]?.message]).toEqual([420, "Hit rate limit of 1 parallel requests for businessId 1001"]);

      await expired;
      const served = await createChat(survivor, { type: "ORDER", id: 11_003 });
      expect(served.status).toBe(200);
    } finally {
      events.disconnect();
      await closeAll(replicas);
      await redis.stop();
    }
  });
});
