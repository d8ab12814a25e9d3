/**
 * `npm run bench`: throughput and latency of the mock, over a real socket on 127.0.0.1 (autocannon)
 * and in-process (app.fetch). Bounded: a few seconds per scenario; it stops the server it starts.
 * Figures depend on the machine; compare runs on the same one.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { createMockApp } from "../mock/app.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const headers = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };
const validBody = JSON.stringify({ context: { type: "ORDER", id: 11001 } });

async function startCli(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "mock/cli.ts", "--port", "0", "--log", "silent", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  for await (const line of lines) {
    const url = /https?:\/\/\S+/.exec(line)?.[0];
    if (url) {
      clearTimeout(timer);
      return {
        url,
        stop: async () => {
          child.kill("SIGTERM");
          await once(child, "exit");
        },
      };
    }
  }
  throw new Error("the mock did not print its URL");
}

interface Row {
  scenario: string;
  "req/s": number;
  "p50 ms": number;
  "p99 ms": number;
  statuses: string;
  errors: number;
}

async function overSocket(scenario: string, url: string, body: string, extra: Record<string, string> = {}): Promise<Row> {
  const result = await autocannon({
    url: `${url}/v2/businesses/1001/chats/new`,
    method: "POST",
    headers: { ...headers, ...extra },
    body,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  return {
    scenario,
    "req/s": Math.round(result.requests.average),
    "p50 ms": result.latency.p50,
    "p99 ms": result.latency.p99,
    statuses: Object.entries(result.statusCodeStats)
      .map(([code, s]) => `${code}×${s.count}`)
      .join(" "),
    errors: result.errors + result.timeouts,
  };
}

async function inProcess(scenario: string, body: string, count = 20_000): Promise<Row> {
  const app = createMockApp({ quota: Number.MAX_SAFE_INTEGER });
  const request = () => app.request("/v2/businesses/1001/chats/new", { method: "POST", headers, body });
  for (let i = 0; i < 500; i++) await request(); // warm-up
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await request();
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 1000) / 1000;
  return {
    scenario,
    "req/s": Math.round(count / elapsed),
    "p50 ms": at(0.5),
    "p99 ms": at(0.99),
    statuses: [...statuses].map(([code, n]) => `${code}×${n}`).join(" "),
    errors: 0,
  };
}

const rows: Row[] = [];
rows.push(await inProcess("in-process: 200 (idempotent chat)", validBody));
rows.push(await inProcess("in-process: 400 (schema violation)", JSON.stringify({ context: { type: "X", id: 0 } })));

const open = await startCli(["--quota", String(Number.MAX_SAFE_INTEGER)]);
try {
  rows.push(await overSocket("socket: 200 (idempotent chat)", open.url, validBody));
  rows.push(await overSocket("socket: 400 (malformed JSON)", open.url, "{bad"));
  rows.push(await overSocket("socket: Prefer code=500", open.url, validBody, { Prefer: "code=500" }));
} finally {
  await open.stop();
}

const spent = await startCli(["--quota", "1"]);
try {
  rows.push(await overSocket("socket: 420 (quota spent)", spent.url, validBody));
} finally {
  await spent.stop();
}

console.table(rows);
