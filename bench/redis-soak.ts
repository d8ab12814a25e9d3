/**
 * `npm run soak:redis`: does memory stay flat with the state in Redis? Starts a redis-server of its
 * own and the built mock on it, sends N createChat requests (default 1,000,000) over 32 connections
 * across 2,000 businesses and 120,000 contexts (far past the 10,000 chats kept) with a 10 s quota
 * window (windows keep ending and being forgotten), and prints at every checkpoint the resident set
 * size of the mock and of redis-server (VmRSS, from /proc) and Redis's own `used_memory`. Everything
 * started is stopped by PID at the end. Exits non-zero if an answer was not 200.
 *
 * Options: --requests <n> (default 1,000,000), --checkpoint <n> (default 200,000).
 */
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { parseArgs } from "node:util";
import { memoryOf } from "./processes.js";
import { FIRST_BUSINESS, startRig, TOKEN } from "./redis-rig.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "1000000" }, checkpoint: { type: "string", default: "200000" } } });
const total = Number(values.requests);
const checkpoint = Number(values.checkpoint);
const BUSINESSES = 2_000;
const ORDERS = 60;

const rig = await startRig({ businesses: BUSINESSES, orders: ORDERS });
const info = new Redis({ host: "127.0.0.1", port: rig.redis.port });
let failed = 0;
const statuses: Record<string, number> = {};
try {
  const mock = await rig.mock("soak", { store: true, prefix: "soak", extra: ["--window", "10s"] });
  let n = 0;
  const setupRequest = (req: { path?: string; body?: string }) => {
    const i = n++;
    return {
      ...req,
      path: `/v2/businesses/${FIRST_BUSINESS + (i % BUSINESSES)}/chats/new`,
      body: `{"context":{"type":"ORDER","id":${1 + (Math.floor(i / BUSINESSES) % ORDERS)}}}`,
    };
  };
  const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  console.log("| requests | mock RSS MB | redis-server RSS MB | Redis used_memory MB | req/s |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (let sent = 0; sent < total; sent += checkpoint) {
    const started = performance.now();
    const result = await autocannon({
      url: mock.url,
      method: "POST",
      connections: 32,
      amount: Math.min(checkpoint, total - sent),
      timeout: 10,
      headers: { "Api-Key": TOKEN, "Content-Type": "application/json" },
      requests: [{ method: "POST", setupRequest }],
    });
    const answered = Object.entries(result.statusCodeStats);
    failed += answered.filter(([code]) => code !== "200").reduce((sum, [, s]) => sum + s.count, 0) + result.errors + result.timeouts;
    for (const [code, { count }] of answered) statuses[code] = (statuses[code] ?? 0) + count;
    statuses["connection errors"] = (statuses["connection errors"] ?? 0) + result.errors;
    statuses["timeouts (10 s)"] = (statuses["timeouts (10 s)"] ?? 0) + result.timeouts;
    const rate = Math.round(Math.min(checkpoint, total - sent) / ((performance.now() - started) / 1000));
    const used = Number(/used_memory:(\d+)/.exec(await info.info("memory"))?.[1]);
    console.log(`| ${sent + Math.min(checkpoint, total - sent)} | ${memoryOf(mock.pid)?.rssMb.toFixed(1)} | ${memoryOf(rig.redis.pid)?.rssMb.toFixed(1)} | ${megabytes(used)} | ${rate} |`);
  }
  console.log(`chats kept: ${await info.hlen("{soak}:chats:records")}, journal entries: ${await info.xlen("{soak}:journal")}, quota windows: ${await info.hlen("{soak}:quota:createChat")}, answers not 200: ${failed}`);
  console.log(`answers: ${Object.entries(statuses).map(([what, n]) => `${n} × ${what}`).join(", ")}`);
} finally {
  info.disconnect();
  await rig.close();
}
if (failed > 0) process.exitCode = 1;
