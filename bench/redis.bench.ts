/**
 * `npm run bench:redis`: stage 5 of `npm run bench` alone (bench/stores.ts): the mock in memory, on
 * Redis with one replica, and on Redis with two replicas splitting the load, in one run: req/s,
 * p50/p99, the mocks' and Redis's CPU per request. Prints the table; writes nothing. The load
 * generator is `npm run bench`'s (wrk where installed, else autocannon).
 *
 * Options: --seconds <n> measured per row (default 10), --warmup <n> (default 3), --rounds <n>
 * (default 1), --connections <n> in all (default 16, as `npm run bench`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildMock, builtMockDir } from "./build-mock.js";
import type { LoadTool } from "./load.js";
import { measureStores, storesTable } from "./stores.js";
import { wrkVersion } from "./wrk.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    rounds: { type: "string", default: "1" },
    connections: { type: "string", default: "16" },
  },
});
const whole = (name: string, text: string, min: number) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return value;
};
const seconds = whole("seconds", values.seconds, 1);
const warmupSeconds = whole("warmup", values.warmup, 0);
const rounds = whole("rounds", values.rounds, 1);
const connections = whole("connections", values.connections, 2);
const log = (message: string) => process.stderr.write(`[bench:redis ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const root = resolve(import.meta.dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "createchat-bench-redis-"));
try {
  const wrk = process.env.BENCH_LOAD === "autocannon" ? undefined : wrkVersion();
  const tool: LoadTool = wrk === undefined ? { kind: "autocannon" } : { kind: "wrk", scriptDir: scratch, threads: 1 };
  const build = buildMock("createchat-bench");
  if (build.cli === undefined) throw new Error(`the mock did not build: ${build.output}`);
  const rows = await measureStores({ tool, buildDir: builtMockDir("createchat-bench"), node: process.execPath, cwd: root, connections, warmupSeconds, seconds, rounds, log });
  console.log(`createChat, ${connections} connections in all, ${seconds} s measured after ${warmupSeconds} s of warm-up, ${rounds} round(s); load: ${wrk ?? "autocannon"}`);
  console.log(storesTable(rows).join("\n"));
  // A row whose answers were not all 200 measured something else than createChat.
  if (rows.some((row) => row.rounds.some((entry) => "error" in entry || entry.unexpected > 0))) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
