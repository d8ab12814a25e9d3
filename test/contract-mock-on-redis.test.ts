/** The contract suite against a mock whose state is in Redis: the store answers as memory does. */
import { afterAll, beforeAll, describe } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { runContractSuite } from "./contract/run-suite.js";
import { startRedisServer, skipRedis, type RedisServer } from "./support/redis-server.js";

describe.skipIf(skipRedis)("on the Redis store", () => {
  let redis: RedisServer;
  let mock: RunningMock;
  beforeAll(async () => {
    redis = await startRedisServer();
    mock = await startMockServer({ port: 0, storeUrl: redis.url });
  });
  afterAll(async () => {
    await mock?.close();
    await redis?.stop();
  });

  runContractSuite("the mock on the Redis store keeps the contract", () => ({
    baseUrl: mock.url,
    fetch: (request) => fetch(request),
  }));
});
