/**
 * The mock on each of its state stores, under the same load in the same run: in memory, on Redis
 * with one replica, and on Redis with two replicas splitting the load (half the connections each,
 * both on one prefix, so they share one quota, one chat and one journal). Each row: req/s, p50/p99,
 * the mocks' CPU per request (their processes' user + system time over the measured seconds, from
 * /proc) and Redis's CPU per request (the same, of redis-server). A redis-server of the bench's own,
 * persistence off, on a free port of 127.0.0.1, stopped by PID at the end; without one on this
 * machine the Redis rows say how to install it. `npm run bench` runs this as its fifth stage,
 * `npm run bench:redis` alone.
 */
import { join } from "node:path";
import { haveRedis, startRedisServer, type RedisServer } from "../test/support/redis-server.js";
import { MOCK_CLI_ENTRY } from "./build-mock.js";
import { measureLoad, type LoadFigures, type LoadRequest, type LoadTool } from "./load.js";
import { cpuSecondsOf, requestOnce, startServer, type ServerProcess } from "./processes.js";
import type { Measurement } from "./report.js";
import { CREATE_CHAT_BODY_TEXT, CREATE_CHAT_PATH, REQUEST_HEADERS } from "./request.js";

/** What Redis needs installed, for a skipped row. */
export const REDIS_INSTALL = "apt-get install -y redis-server";

/** One measured run of a store row: the figures of a socket round, and Redis's CPU per request. */
export interface StoreMeasurement extends Measurement {
  /** redis-server's CPU time over the measured seconds, per request, in µs; absent for the in-memory row. */
  storeCpuMicrosPerRequest?: number;
}

/** One store row over the rounds. */
export interface StoreRow {
  id: "memory" | "redis-1" | "redis-2";
  label: string;
  replicas: number;
  rounds: Array<StoreMeasurement | { error: string }>;
  /** Why the row did not run (no redis-server here), with the install command. */
  skipped?: { reason: string; install: string };
}

export interface StoreBenchOptions {
  tool: LoadTool;
  /** The built mock's folder (bench/build-mock.ts). */
  buildDir: string;
  node: string;
  cwd: string;
  /** In all: a row of two replicas gives each half. */
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  log(message: string): void;
}

const CREATE_CHAT: LoadRequest = { path: CREATE_CHAT_PATH, headers: REQUEST_HEADERS, body: CREATE_CHAT_BODY_TEXT };

const LABELS: Record<StoreRow["id"], string> = {
  memory: "in memory, 1 process",
  "redis-1": "Redis store, 1 replica",
  "redis-2": "Redis store, 2 replicas on one prefix, the load split between them",
};

/** The rows, measured round after round (each round starts its mocks anew, the Redis rows each on a fresh prefix). */
export async function measureStores(options: StoreBenchOptions): Promise<StoreRow[]> {
  const { tool, connections, warmupSeconds, seconds, log } = options;
  const rows: StoreRow[] = (["memory", "redis-1", "redis-2"] as const).map((id) => ({ id, label: LABELS[id], replicas: id === "redis-2" ? 2 : 1, rounds: [] }));
  let redis: RedisServer | undefined;
  if (haveRedis) {
    try {
      redis = await startRedisServer();
    } catch (error) {
      for (const row of rows.slice(1)) row.skipped = { reason: `redis-server did not start: ${(error as Error).message.split("\n")[0]}`, install: REDIS_INSTALL };
    }
  } else {
    for (const row of rows.slice(1)) row.skipped = { reason: "no `redis-server` on PATH", install: REDIS_INSTALL };
  }
  const live = new Set<ServerProcess>();
  let started = 0;
  const spawnMock = async (name: string, store: boolean, prefix: string) => {
    const args = [join(options.buildDir, MOCK_CLI_ENTRY), "--port", "{port}", "--host", "127.0.0.1", "--log", "silent", "--quota", "1000000000"];
    if (store && redis !== undefined) args.push("--store", redis.url, "--store-prefix", prefix);
    const mock = await startServer({ name: `${name}-${++started}`, command: options.node, args, cwd: options.cwd, probe: CREATE_CHAT, timeoutMs: 30_000 });
    live.add(mock);
    return mock;
  };
  const stop = async (mock: ServerProcess) => {
    live.delete(mock);
    await mock.stop();
  };
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const row of rows) {
        if (row.skipped !== undefined) continue;
        const store = row.id !== "memory";
        let mocks: ServerProcess[] = [];
        try {
          // A fresh prefix per row and round: no state of an earlier run is counted in this one.
          const prefix = `bench-${row.id}-${round + 1}`;
          for (let i = 0; i < row.replicas; i++) mocks.push(await spawnMock(row.id, store, prefix));
          const m = await measureSplit(tool, mocks, store ? redis : undefined, { connections, warmupSeconds, seconds });
          row.rounds[round] = m;
          log(`stores, round ${round + 1}: ${row.label}: ${m.reqPerSec} req/s, p99 ${m.p99Ms} ms, mock CPU ${m.cpuMicrosPerRequest ?? "?"} µs/req, Redis CPU ${m.storeCpuMicrosPerRequest ?? "–"} µs/req`);
        } catch (error) {
          row.rounds[round] = { error: (error as Error).message };
          log(`stores, round ${round + 1}: ${row.label} failed: ${(error as Error).message}`);
        } finally {
          await Promise.all(mocks.map(stop));
          mocks = [];
        }
      }
    }
  } finally {
    await Promise.all([...live].map(stop));
    await redis?.stop();
  }
  return rows;
}

/**
 * A warm-up, then one measured run with the connections split over `mocks` at once; CPU from the
 * first start to the last end. p50 and p99 are the highest of the replicas' own.
 */
async function measureSplit(
  tool: LoadTool,
  mocks: readonly ServerProcess[],
  redis: RedisServer | undefined,
  { connections, warmupSeconds, seconds }: { connections: number; warmupSeconds: number; seconds: number },
): Promise<StoreMeasurement> {
  const each = Math.max(1, Math.floor(connections / mocks.length));
  if (warmupSeconds > 0) await Promise.all(mocks.map((mock) => measureLoad({ tool, url: mock.url, request: CREATE_CHAT, connections: each, warmupSeconds: 0, seconds: warmupSeconds })));
  for (const mock of mocks) {
    const status = await requestOnce(Number(new URL(mock.url).port), CREATE_CHAT);
    if (status !== 200) throw new Error(`${mock.name} answered ${status ?? "nothing"} after its warm-up where 200 was expected`);
  }
  const cpuOfMocks = () => mocks.reduce((sum, mock) => sum + (mock.cpuSeconds() ?? Number.NaN), 0);
  const cpuOfRedis = () => (redis === undefined ? Number.NaN : (cpuSecondsOf(redis.pid) ?? Number.NaN));
  let start: { mock: number; redis: number } | undefined;
  let end: { mock: number; redis: number } | undefined;
  let ended = 0;
  const onMeasured = (phase: "start" | "end") => {
    if (phase === "start" && start === undefined) start = { mock: cpuOfMocks(), redis: cpuOfRedis() };
    if (phase === "end" && ++ended === mocks.length) end = { mock: cpuOfMocks(), redis: cpuOfRedis() };
  };
  const figures: LoadFigures[] = await Promise.all(
    mocks.map((mock) => measureLoad({ tool, url: mock.url, request: CREATE_CHAT, connections: each, warmupSeconds: 0, seconds, onMeasured })),
  );
  const requests = figures.reduce((sum, f) => sum + f.requests, 0);
  const unexpected = figures.reduce((sum, f) => sum + (f.statuses === undefined ? f.non2xx : f.requests - (f.statuses["200"] ?? 0)) + f.errors, 0);
  const m: StoreMeasurement = {
    reqPerSec: figures.reduce((sum, f) => sum + f.reqPerSec, 0),
    p50Ms: Math.max(...figures.map((f) => f.p50Ms)),
    p99Ms: Math.max(...figures.map((f) => f.p99Ms)),
    maxMs: Math.max(...figures.map((f) => f.maxMs)),
    requests,
    unexpected,
  };
  const s = start;
  const e = end;
  if (s !== undefined && e !== undefined && requests > 0) {
    const mockCpu = Math.round(((e.mock - s.mock) * 1e6) / requests);
    if (Number.isFinite(mockCpu)) m.cpuMicrosPerRequest = mockCpu;
    const redisCpu = Math.round(((e.redis - s.redis) * 1e6) / requests);
    if (Number.isFinite(redisCpu)) m.storeCpuMicrosPerRequest = redisCpu;
  }
  const rss = mocks.reduce((sum, mock) => sum + (mock.rssBytes() ?? Number.NaN), 0);
  if (Number.isFinite(rss)) m.rssMb = Math.round(rss / 2 ** 20);
  return m;
}

const isRun = (entry: StoreRow["rounds"][number] | undefined): entry is StoreMeasurement => entry !== undefined && !("error" in entry);

/** The stores' table: each figure per round, `–` where a row has none. */
export function storesTable(rows: readonly StoreRow[]): string[] {
  const lines = ["| store | req/s | p50 ms | p99 ms | mock CPU µs/req | Redis CPU µs/req | RSS of the mocks MB | answers |", "|---|---:|---:|---:|---:|---:|---:|---|"];
  const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  for (const row of rows) {
    if (row.skipped !== undefined) {
      lines.push(`| ${row.label} | skipped | | | | | | ${row.skipped.reason}: \`${row.skipped.install}\` |`);
      continue;
    }
    const per = (pick: (m: StoreMeasurement) => string) => row.rounds.map((entry) => (isRun(entry) ? pick(entry) : "failed")).join(" / ") || "–";
    const runs = row.rounds.filter(isRun);
    const bad = runs.reduce((sum, m) => sum + m.unexpected, 0);
    const failed = row.rounds.filter((entry): entry is { error: string } => entry !== undefined && "error" in entry).map((f) => `failed: ${f.error.slice(0, 120)}`);
    lines.push(
      `| ${row.label} | ${per((m) => String(m.reqPerSec))} | ${per((m) => ms(m.p50Ms))} | ${per((m) => ms(m.p99Ms))} | ` +
        `${per((m) => String(m.cpuMicrosPerRequest ?? "?"))} | ${per((m) => (m.storeCpuMicrosPerRequest === undefined ? "–" : String(m.storeCpuMicrosPerRequest)))} | ` +
        `${per((m) => String(m.rssMb ?? "?"))} | ${[bad === 0 ? "all 200" : `${bad} not 200`, ...failed].join("; ")} |`,
    );
  }
  return lines;
}
