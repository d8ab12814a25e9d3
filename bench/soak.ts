/**
 * `npm run soak`: does the mock's memory stay flat under a long run? Compiles the mock (tsc, into
 * node_modules/.cache/createchat-soak: what `createchat-mock` runs, without tsx's loader thread in the
 * measurement), starts its CLI as a child process with default settings except a generated fixtures
 * file and a short quota window, sends N createChat requests over keep-alive sockets to 127.0.0.1 across many
 * businesses and contexts, and prints the child's resident set size (RSS, read from
 * /proc/<pid>/status, i.e. measured from outside the process) at every checkpoint. Stops the child
 * with SIGTERM at the end (and on any failure or Ctrl-C), and exits non-zero if the child did not
 * exit 0, if any answer was not 200, or if the final RSS is above --max-rss-mb.
 *
 * Options (all optional):
 *   --requests <n>        total requests (default 2,000,000)
 *   --checkpoint <n>      print RSS every n requests (default 200,000)
 *   --concurrency <n>     requests in flight (default 32)
 *   --businesses <n>      businesses in the generated fixtures (default 2,000)
 *   --contexts <n>        orders + returns per business (default 60: 50 orders, 10 returns), so
 *                         120,000 contexts by default, far more than the chat store's cap of 10,000
 *   --window <duration>   quota window (default 10s: windows keep ending and being dropped; with
 *                         1,000 per window every answer stays 200)
 *   --max-rss-mb <n>      fail when the final RSS is above this (default 100)
 *   --node-flags "<flags>" extra flags for the mock's node, e.g. "--max-semi-space-size=2" (default none)
 *   --tsx                 run mock/cli.ts through tsx instead of compiling (RSS then includes tsx's loader)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildMock } from "./build-mock.js";
import { memoryOf } from "./processes.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "soak-token";
const FIRST_BUSINESS = 100_001;

interface SoakOptions {
  requests: number;
  checkpoint: number;
  concurrency: number;
  businesses: number;
  contexts: number;
  window: string;
  maxRssMb: number;
  nodeFlags: string[];
  tsx: boolean;
}

function readOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      requests: { type: "string" },
      checkpoint: { type: "string" },
      concurrency: { type: "string" },
      businesses: { type: "string" },
      contexts: { type: "string" },
      window: { type: "string" },
      "max-rss-mb": { type: "string" },
      "node-flags": { type: "string" },
      tsx: { type: "boolean" },
    },
  });
  const count = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text.replace(/_/g, ""));
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} ${JSON.stringify(text)}: expected an integer >= 1`);
    return value;
  };
  return {
    requests: count("requests", values.requests, 2_000_000),
    checkpoint: count("checkpoint", values.checkpoint, 200_000),
    concurrency: count("concurrency", values.concurrency, 32),
    businesses: count("businesses", values.businesses, 2_000),
    contexts: count("contexts", values.contexts, 60),
    window: values.window ?? "10s",
    maxRssMb: count("max-rss-mb", values["max-rss-mb"], 100),
    nodeFlags: (values["node-flags"] ?? "").split(/\s+/).filter(Boolean),
    tsx: values.tsx ?? false,
  };
}

/** Fixtures: one token for every business; each business has `contexts` orders and returns (5:1). */
function writeFixtures(dir: string, options: SoakOptions): string {
  const returns = Math.floor(options.contexts / 6);
  const orders = options.contexts - returns;
  const ids = Array.from({ length: options.businesses }, (_, i) => FIRST_BUSINESS + i);
  const file = join(dir, "soak-fixtures.json");
  writeFileSync(
    file,
    JSON.stringify({
      tokens: [{ token: TOKEN, scheme: "api-key", scopes: ["communication"], businesses: ids }],
      businesses: ids.map((id) => ({
        id,
        model: "FBS",
        orders: Array.from({ length: orders }, (_, i) => 1 + i),
        returns: Array.from({ length: returns }, (_, i) => 1_000_001 + i),
      })),
    }),
  );
  return file;
}

interface Mock {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The child's memory, or a failed soak when it cannot be read. */
function memoryNow(pid: number): { rssMb: number; peakMb: number | undefined } {
  const memory = memoryOf(pid);
  if (memory === undefined) throw new Error(`cannot read the memory of process ${pid}`);
  return memory;
}

/** The built CLI (see bench/build-mock.ts); a failed build stops the soak. */
function builtCli(): string {
  const build = buildMock("createchat-soak");
  if (build.cli === undefined) throw new Error(build.output);
  return build.cli;
}

function startMock(fixtures: string, options: SoakOptions): Promise<Mock> {
  const entry = options.tsx ? ["--import", "tsx", "mock/cli.ts"] : [builtCli()];
  const args = [...options.nodeFlags, ...entry, "--port", "0", "--log", "silent", "--fixtures", fixtures, "--window", options.window];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock did not start within 30 s: ${err}`)), 30_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the mock exited (${code}) before listening: ${err}`));
    });
  });
}

function post(agent: Agent, url: URL, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: "POST", agent, headers: { "Api-Key": TOKEN, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function soak(options: SoakOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "createchat-soak-"));
  let mock: Mock | undefined;
  const stopChild = () => {
    if (mock && mock.child.exitCode === null && mock.child.signalCode === null) mock.child.kill("SIGKILL");
  };
  process.once("SIGINT", () => {
    stopChild();
    process.exit(130);
  });
  try {
    const fixtures = writeFixtures(dir, options);
    mock = await startMock(fixtures, options);
    const pid = mock.child.pid as number;
    const url = new URL(mock.url);
    const returnsPerBusiness = Math.floor(options.contexts / 6);
    const ordersPerBusiness = options.contexts - returnsPerBusiness;
    console.log(
      `soak: ${options.requests.toLocaleString("en")} requests, ${options.concurrency} in flight, ${options.businesses.toLocaleString("en")} businesses × ` +
        `${options.contexts} contexts, window ${options.window}; mock pid ${pid} at ${mock.url} ` +
        `(child process: node ${[...options.nodeFlags, options.tsx ? "--import tsx mock/cli.ts" : "<compiled>/mock/cli.js"].join(" ")}, default settings otherwise)`,
    );
    const start = memoryNow(pid);
    console.log(`${"requests".padStart(11)}  ${"RSS MB".padStart(7)}  ${"peak MB".padStart(7)}  ${"req/s".padStart(7)}  statuses`);
    console.log(`${"0".padStart(11)}  ${start.rssMb.toFixed(1).padStart(7)}  ${(start.peakMb ?? NaN).toFixed(1).padStart(7)}  ${"-".padStart(7)}  -`);

    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    const statuses = new Map<number, number>();
    let next = 0;
    let done = 0;
    let nextCheckpoint = Math.min(options.checkpoint, options.requests);
    let lastAt = performance.now();
    let lastDone = 0;
    const checkpoints: Array<{ requests: number; rssMb: number }> = [];

    const report = () => {
      const now = performance.now();
      const { rssMb, peakMb } = memoryNow(pid);
      const rate = ((done - lastDone) / (now - lastAt)) * 1000;
      lastAt = now;
      lastDone = done;
      checkpoints.push({ requests: done, rssMb });
      const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
      console.log(`${done.toLocaleString("en").padStart(11)}  ${rssMb.toFixed(1).padStart(7)}  ${(peakMb ?? NaN).toFixed(1).padStart(7)}  ${Math.round(rate).toString().padStart(7)}  ${summary}`);
    };

    const worker = async () => {
      while (next < options.requests) {
        const i = next++;
        // Walk the businesses in order and the contexts in a stride, so consecutive requests differ.
        const businessId = FIRST_BUSINESS + (i % options.businesses);
        const round = Math.floor(i / options.businesses);
        const slot = (round * 7 + (i % 13)) % options.contexts;
        const context = slot < ordersPerBusiness ? { type: "ORDER", id: 1 + slot } : { type: "RETURN", id: 1_000_001 + (slot - ordersPerBusiness) };
        const status = await post(agent, url, `/v2/businesses/${businessId}/chats/new`, JSON.stringify({ context }));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        done += 1;
        if (done === nextCheckpoint) {
          report();
          nextCheckpoint = Math.min(nextCheckpoint + options.checkpoint, options.requests);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    agent.destroy();

    mock.child.kill("SIGTERM");
    const code = await mock.exited;
    const final = checkpoints.at(-1);
    const first = checkpoints[0];
    const not200 = options.requests - (statuses.get(200) ?? 0);
    console.log(
      `\nmock exited with ${code} after SIGTERM. RSS at start ${start.rssMb.toFixed(1)} MB, ` +
        `after ${first?.requests.toLocaleString("en")} requests ${first?.rssMb.toFixed(1)} MB, ` +
        `after ${final?.requests.toLocaleString("en")} requests ${final?.rssMb.toFixed(1)} MB (limit ${options.maxRssMb} MB); ${not200} answers were not 200.`,
    );
    if (code !== 0) return 1;
    if (not200 > 0) return 1;
    if (final !== undefined && final.rssMb > options.maxRssMb) return 1;
    return 0;
  } finally {
    stopChild();
    rmSync(dir, { recursive: true, force: true });
  }
}

soak(readOptions(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
