/**
 * `npm run soak:journal`: the journal under its worst loads (issue 14, point 2). For each profile
 * it starts the built CLI as a child with default settings (journal 10,000 entries or 16 MiB; log
 * silent; a quota large enough that nothing is refused for it), sends N requests to 127.0.0.1 and
 * reports:
 *
 * - the child's RSS (from /proc, outside the process) after every checkpoint; target <= 150 MB;
 * - the longest stall of the child's event loop (perf_hooks.monitorEventLoopDelay, preloaded by
 *   bench/event-loop-probe.mjs) while the whole journal is read page by page through
 *   `GET /__mock/requests`, and, to show the mock stays live meanwhile, the slowest of the
 *   createChat requests sent during the read; target <= 50 ms.
 *
 * Profiles: `bodies` (createChat with a 64 KiB body and 16 KB of headers, 20,000 requests),
 * `unauthenticated` (no credentials, 15.8 KB of headers: 401s, 10,000 requests), and `bodies` again
 * with V8's young generation capped (`NODE_OPTIONS=--max-semi-space-size=4`), the knob docs/ names.
 *
 * Exits 1 when a profile run with the defaults misses a target or a child does not exit 0 on
 * SIGTERM. Every child is stopped on every path (SIGKILL if need be). Options: --requests <n>
 * (each profile's own), --concurrency <n> (16), --profile <name> (all).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildMock } from "./build-mock.js";
import { memoryOf } from "./processes.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAX_RSS_MB = 150;
const MAX_STALL_MS = 50;
// 64 KiB exactly: the largest body the mock reads. Valid JSON, so it is parsed (and previewed) too.
const BODY = (() => {
  const head = '{"context":{"type":"ORDER","id":11001},"note":"';
  return `${head}${"n".repeat(64 * 1024 - head.length - 2)}"}`;
})();
// 16 KB of headers all told stays inside Node's default 16 KiB header limit.
const PADDING = "p".repeat(15_800);

interface Profile {
  name: string;
  what: string;
  requests: number;
  /** Extra environment of the child (the V8 knob). */
  env?: Record<string, string>;
  /** Whether its targets decide the exit code: the defaults' profiles do, the tuned one only reports. */
  gates: boolean;
  send(agent: Agent, url: URL): Promise<{ status: number; text: string; ms: number }>;
}

const PROFILES: readonly Profile[] = [
  { name: "bodies", what: "createChat with a 64 KiB body and 16 KB of headers", requests: 20_000, gates: true, send: (agent, url) => createChat(agent, url) },
  {
    name: "unauthenticated",
    what: "createChat without credentials, 15.8 KB of headers (401s)",
    requests: 10_000,
    gates: true,
    send: (agent, url) => send(agent, url, "POST", "/v2/businesses/1001/chats/new", { "Content-Type": "application/json", "X-Padding": PADDING }, '{"context":{"type":"ORDER","id":11001}}'),
  },
  {
    name: "bodies-small-young-generation",
    what: "as bodies, with NODE_OPTIONS=--max-semi-space-size=4",
    requests: 20_000,
    env: { NODE_OPTIONS: "--max-semi-space-size=4" },
    gates: false,
    send: (agent, url) => createChat(agent, url),
  },
];

function options(argv: string[]): { requests: number | undefined; concurrency: number; profiles: readonly Profile[] } {
  const { values } = parseArgs({ args: argv, options: { requests: { type: "string" }, concurrency: { type: "string" }, profile: { type: "string" } } });
  const count = (text: string | undefined) => {
    const n = Number(text?.replace(/_/g, ""));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected an integer >= 1, got ${text}`);
    return n;
  };
  const profiles = values.profile === undefined ? PROFILES : PROFILES.filter((profile) => profile.name === values.profile);
  if (profiles.length === 0) throw new Error(`--profile: one of ${PROFILES.map((profile) => profile.name).join(", ")}`);
  return { requests: values.requests === undefined ? undefined : count(values.requests), concurrency: values.concurrency === undefined ? 16 : count(values.concurrency), profiles };
}

interface Child {
  child: ChildProcess;
  url: URL;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(cli: string, env: Record<string, string> = {}): Promise<Child> {
  const args = ["--import", join(ROOT, "bench/event-loop-probe.mjs"), cli, "--port", "0", "--log", "silent", "--quota", "100000000"];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url: new URL(url), stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`the mock exited (${code}) before listening: ${err}`)));
  });
}

function send(agent: Agent, url: URL, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const createChat = (agent: Agent, url: URL) =>
  send(agent, url, "POST", "/v2/businesses/1001/chats/new", { "Api-Key": "demo-all-methods", "Content-Type": "application/json", "X-Padding": PADDING }, BODY);

/** Asks the probe for the event loop's longest delay since the last ask, and resets it. */
async function eventLoopMax(mock: Child): Promise<number> {
  const before = mock.stderr().length;
  mock.child.kill("SIGUSR2");
  for (let i = 0; i < 200; i++) {
    const line = /event-loop max=([\d.]+)/.exec(mock.stderr().slice(before));
    if (line) return Number(line[1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the event-loop probe did not answer");
}

interface Outcome {
  profile: Profile;
  rssMb: number;
  stallMs: number;
  exitCode: number | null;
}

async function runProfile(cli: string, profile: Profile, requests: number, concurrency: number): Promise<Outcome> {
  const mock = await start(cli, profile.env);
  const pid = mock.child.pid as number;
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const rss = () => memoryOf(pid)?.rssMb ?? Number.NaN;
    console.log(`\n== ${profile.name}: ${requests.toLocaleString("en")} requests, ${profile.what}, ${concurrency} in flight; mock pid ${pid}`);
    console.log(`${"requests".padStart(9)}  ${"RSS MB".padStart(7)}`);
    console.log(`${"0".padStart(9)}  ${rss().toFixed(1).padStart(7)}`);
    let next = 0;
    let done = 0;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (next < requests) {
        next += 1;
        const { status } = await profile.send(agent, mock.url);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        done += 1;
        if (done % 5_000 === 0 || done === requests) console.log(`${done.toLocaleString("en").padStart(9)}  ${rss().toFixed(1).padStart(7)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const rssAfter = rss();

    // The whole journal, page by page, while createChat requests keep coming.
    await eventLoopMax(mock);
    let before: number | null | undefined;
    let pages = 0;
    let entries = 0;
    let largestPage = 0;
    let reading = true;
    const during: number[] = [];
    const prober = (async () => {
      while (reading) during.push((await createChat(agent, mock.url)).ms);
    })();
    const readStarted = performance.now();
    while (before !== null) {
      const answer = await send(agent, mock.url, "GET", `/__mock/requests?limit=1000${before === undefined ? "" : `&before=${before}`}`, {});
      const page = JSON.parse(answer.text) as { requests: unknown[]; next: number | null };
      pages += 1;
      entries += page.requests.length;
      largestPage = Math.max(largestPage, answer.text.length);
      before = page.next;
    }
    const readMs = performance.now() - readStarted;
    reading = false;
    await prober;
    const stall = await eventLoopMax(mock);
    agent.destroy();

    const slowest = Math.max(...during);
    console.log(`statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
    console.log(`RSS after ${requests.toLocaleString("en")} requests: ${rssAfter.toFixed(1)} MB (target <= ${MAX_RSS_MB} MB)`);
    console.log(
      `read the journal: ${entries.toLocaleString("en")} entries in ${pages} pages (largest ${(largestPage / 1024 / 1024).toFixed(2)} MB) in ${readMs.toFixed(0)} ms; ` +
        `longest event-loop stall meanwhile ${stall.toFixed(1)} ms (target <= ${MAX_STALL_MS} ms); ` +
        `${during.length} createChat requests sent meanwhile, the slowest ${slowest.toFixed(1)} ms`,
    );
    mock.child.kill("SIGTERM");
    const exitCode = await mock.exited;
    console.log(`mock exited with ${exitCode} after SIGTERM`);
    return { profile, rssMb: rssAfter, stallMs: stall, exitCode };
  } finally {
    if (mock.child.exitCode === null && mock.child.signalCode === null) mock.child.kill("SIGKILL");
  }
}

async function main(): Promise<number> {
  const { requests, concurrency, profiles } = options(process.argv.slice(2));
  const build = buildMock("createchat-soak");
  if (build.cli === undefined) throw new Error(build.output);
  const outcomes: Outcome[] = [];
  for (const profile of profiles) outcomes.push(await runProfile(build.cli, profile, requests ?? profile.requests, concurrency));
  console.log(`\n${"profile".padEnd(30)}  ${"RSS MB".padStart(7)}  ${"stall ms".padStart(8)}  targets (RSS <= ${MAX_RSS_MB} MB, stall <= ${MAX_STALL_MS} ms)`);
  let failed = false;
  for (const { profile, rssMb, stallMs, exitCode } of outcomes) {
    const met = rssMb <= MAX_RSS_MB && stallMs <= MAX_STALL_MS && exitCode === 0;
    if (profile.gates && !met) failed = true;
    console.log(`${profile.name.padEnd(30)}  ${rssMb.toFixed(1).padStart(7)}  ${stallMs.toFixed(1).padStart(8)}  ${met ? "met" : "missed"}${profile.gates ? "" : " (reported only)"}`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`soak:journal failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
