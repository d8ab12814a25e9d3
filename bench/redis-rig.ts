/**
 * What `npm run soak:redis` runs on: a redis-server of its own (persistence off, stopped by PID at
 * the end), the built mock as child processes with or without `--store`, and generated fixtures
 * with many businesses and contexts, so neither the quota nor one chat dominates.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedisServer, type RedisServer } from "../test/support/redis-server.js";
import { buildMock } from "./build-mock.js";
import { startServer, type ServerProcess } from "./processes.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const TOKEN = "bench-token";
export const FIRST_BUSINESS = 100_001;

export interface Rig {
  redis: RedisServer;
  fixtures: string;
  /** A built mock; `store` = on the rig's Redis (under `prefix`), else in memory. */
  mock(name: string, options: { store: boolean; prefix?: string; extra?: string[] }): Promise<ServerProcess>;
  /** Stops every mock started and the redis-server, and removes the fixtures. */
  close(): Promise<void>;
}

/** Fixtures: one token for `businesses` businesses of `orders` orders each. */
function writeFixtures(dir: string, businesses: number, orders: number): string {
  const ids = Array.from({ length: businesses }, (_, i) => FIRST_BUSINESS + i);
  const file = join(dir, "bench-fixtures.json");
  writeFileSync(
    file,
    JSON.stringify({
      tokens: [{ token: TOKEN, scheme: "api-key", scopes: ["communication"], businesses: ids }],
      businesses: ids.map((id) => ({ id, model: "FBS", orders: Array.from({ length: orders }, (_, i) => 1 + i), returns: [] })),
    }),
  );
  return file;
}

export async function startRig(options: { businesses: number; orders: number }): Promise<Rig> {
  const build = buildMock("createchat-redis-soak");
  if (build.cli === undefined) throw new Error(build.output);
  const cli = build.cli;
  const dir = mkdtempSync(join(tmpdir(), "createchat-redis-soak-"));
  const fixtures = writeFixtures(dir, options.businesses, options.orders);
  const redis = await startRedisServer();
  const mocks: ServerProcess[] = [];
  const probe = {
    path: `/v2/businesses/${FIRST_BUSINESS}/chats/new`,
    headers: { "Api-Key": TOKEN, "Content-Type": "application/json" },
    body: JSON.stringify({ context: { type: "ORDER", id: 1 } }),
  };
  return {
    redis,
    fixtures,
    async mock(name, { store, prefix = "bench", extra = [] }) {
      const args = [cli, "--port", "{port}", "--log", "silent", "--fixtures", fixtures, "--quota", "1000000000", ...extra];
      if (store) args.push("--store", redis.url, "--store-prefix", prefix);
      const mock = await startServer({ name, command: process.execPath, args, cwd: ROOT, probe });
      mocks.push(mock);
      return mock;
    },
    async close() {
      await Promise.all(mocks.map((mock) => mock.stop()));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process, in MB, from /proc/<pid>/status. */
export { memoryOf } from "./processes.js";
