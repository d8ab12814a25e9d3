/**
 * `npm run bench`: the mock side by side with what a user would pick instead (Prism) and the
 * platform's ceiling (a bare node:http server), in one run, on the same load: autocannon in this
 * process, 16 connections, a warm-up, then BENCH_SECONDS (default 10) of POST createChat with a
 * valid body and an Api-Key. Every server runs in its own process and is stopped at the end.
 *
 * Also measured: spawn to the first 200 over a socket (built JS and tsx), RSS of each server after
 * its run, and a quota-bound run (160 businesses, quota 1,000: 200s until each business has spent
 * its 1,000, then 420s).
 * Writes bench/results.json and bench/RESULTS.md, and puts the same table in README.md.
 *
 * Env: BENCH_SECONDS (measured seconds per scenario, default 10), BENCH_WARMUP_SECONDS (default 2),
 * BENCH_RSS_REQUESTS (e.g. 2000000: one more mock run of that many requests, for the RSS target;
 * not in the default run, which must finish within 3 minutes).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { buildMock, builtMockDir } from "./build-mock.js";
import { runLoad, type LoadRequest } from "./load.js";
import { startServer, type Probe, type ServerProcess } from "./processes.js";
import { median, toMarkdown, type BenchResults, type ScenarioResult, type StartupResult, type TargetResult } from "./report.js";

const root = resolve(import.meta.dirname, "..");
const SECONDS = positive("BENCH_SECONDS", 10);
const WARMUP_SECONDS = positive("BENCH_WARMUP_SECONDS", 2);
const RSS_REQUESTS = process.env.BENCH_RSS_REQUESTS === undefined ? undefined : positive("BENCH_RSS_REQUESTS", 0);
const CONNECTIONS = 16;
const STARTUP_SAMPLES = 3;

const PATH = "/v2/businesses/1001/chats/new";
const HEADERS = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };
const BODY = JSON.stringify({ context: { type: "ORDER", id: 11001 } });
const probe: Probe = { path: PATH, headers: HEADERS, body: BODY };
const load: LoadRequest = { path: PATH, headers: HEADERS, body: BODY };

// The quota-bound scenario: many businesses, the contract's quota, requests spread over all of them.
// 160 × 1,000 allowed requests: more than a warm-up sends, so the measured seconds see 200s until
// the quotas are spent, then 420s (with 32 businesses the warm-up alone spent them all).
const QUOTA_BUSINESSES = 160;
const QUOTA_TOKEN = "bench-quota";
const firstQuotaBusiness = 70_001;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const BUILD_DIR = builtMockDir("createchat-bench");

/**
 * The bare server as plain JS next to the built mock, so neither runs under a loader (tsx) the
 * other does not have; undefined when that fails (then it runs under tsx).
 */
function buildBare(): string | undefined {
  try {
    const source = readFileSync(join(root, "bench/bare-node-http.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    mkdirSync(join(BUILD_DIR, "bench"), { recursive: true });
    const file = join(BUILD_DIR, "bench/bare-node-http.mjs");
    writeFileSync(file, outputText);
    return file;
  } catch (error) {
    log(`could not transpile the bare server (${String(error)}); running it under tsx`);
    return undefined;
  }
}

function quotaFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), "createchat-bench-"));
  const file = join(dir, "fixtures.json");
  const ids = Array.from({ length: QUOTA_BUSINESSES }, (_, i) => firstQuotaBusiness + i);
  writeFileSync(
    file,
    JSON.stringify({
      tokens: [{ token: QUOTA_TOKEN, scopes: ["all-methods"], businesses: ids }],
      businesses: ids.map((id) => ({ id, model: "FBS", orders: [11001] })),
    }),
  );
  return file;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const started = performance.now();
  const build = buildMock("createchat-bench");
  const cli = build.cli;
  if (build.cli === undefined) log(`${build.output}; running the mock under tsx`);
  else log(`built the mock in ${Math.round(performance.now() - started)} ms`);
  const mockCommand = cli === undefined ? ["--import", "tsx", join(root, "mock/cli.ts")] : [cli];
  const mockRunner = cli === undefined ? "node --import tsx mock/cli.ts" : "node dist/mock/cli.js (built by the bench)";
  const bareFile = buildBare();
  const bareArgs = [...(bareFile === undefined ? ["--import", "tsx", "bench/bare-node-http.ts"] : [bareFile]), "--port", "{port}"];
  const mockArgs = (...extra: string[]) => [...mockCommand, "--port", "{port}", "--host", "127.0.0.1", "--log", "silent", ...extra];
  const node = process.execPath;
  const prismCli = join(root, "node_modules/@stoplight/prism-cli/dist/index.js");
  const fixturesFile = quotaFixtures();
  const servers: ServerProcess[] = [];
  const start = async (...args: Parameters<typeof startServer>) => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };

  const scenarios: ScenarioResult[] = [];
  const startup: StartupResult[] = [];
  try {
    // Start-up: spawn to the first 200, a few times each (a cold first spawn fills the page cache).
    const startupOf = async (label: string, command: string, args: string[], samples: number) => {
      const samplesMs: number[] = [];
      for (let i = 0; i < samples; i++) {
        const server = await start({ name: label, command, args, cwd: root, probe });
        samplesMs.push(Math.round(server.firstOkMs));
        await server.stop();
      }
      startup.push({ label, samplesMs, medianMs: median(samplesMs) });
      log(`${label}: first 200 after ${samplesMs.join(", ")} ms`);
    };
    if (cli !== undefined) await startupOf("mock, `node dist/mock/cli.js`", node, [cli, "--port", "{port}", "--log", "silent"], STARTUP_SAMPLES);
    await startupOf("mock, `node --import tsx mock/cli.ts` (npm start)", node, ["--import", "tsx", "mock/cli.ts", "--port", "{port}", "--log", "silent"], 1);
    await startupOf("bare node:http", node, bareArgs, 1);

    const measure = async (id: string, label: string, server: ServerProcess, request: LoadRequest): Promise<ScenarioResult> => {
      log(`${label}: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured ...`);
      const cpu: Partial<Record<"start" | "end", number>> = {};
      const figures = await runLoad({
        url: server.url,
        request,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        seconds: SECONDS,
        onMeasured: (phase) => (cpu[phase] = server.cpuSeconds()),
      });
      const rss = server.rssBytes();
      await server.stop();
      const result: ScenarioResult = {
        id,
        label,
        figures,
        servedRequests: figures.requests + figures.warmupRequests,
        ...(rss === undefined ? {} : { rssMb: rss / 2 ** 20 }),
        ...(cpu.start === undefined || cpu.end === undefined || figures.requests === 0
          ? {}
          : { cpuMicrosPerRequest: Math.round(((cpu.end - cpu.start) * 1e6) / figures.requests) }),
      };
      log(
        `${label}: ${figures.reqPerSec} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
          `server CPU ${result.cpuMicrosPerRequest ?? "?"} µs/request, ${JSON.stringify(figures.statuses)}`,
      );
      scenarios.push(result);
      return result;
    };

    const bare = await measure(
      "bare",
      "bare node:http (parse JSON, fixed 200)",
      await start({ name: "bare", command: node, args: bareArgs, cwd: root, probe }),
      load,
    );
    const mock = await measure(
      "mock",
      "this mock (full validation, quota out of the way, log silent)",
      await start({ name: "mock", command: node, args: mockArgs("--quota", "1000000000"), cwd: root, probe }),
      load,
    );
    const prismServer = await start({
      name: "prism",
      command: node,
      args: [prismCli, "mock", "openapi.yaml", "--port", "{port}", "--host", "127.0.0.1", "--errors=false", "-m", "false", "-v", "silent"],
      cwd: root,
      probe,
      pollMs: 50,
    });
    startup.push({ label: "Prism `prism mock openapi.yaml`", samplesMs: [Math.round(prismServer.firstOkMs)], medianMs: Math.round(prismServer.firstOkMs) });
    const prism = await measure("prism", "Prism 5 `prism mock` (silent)", prismServer, load);

    let next = 0;
    const quotaPath = () => `/v2/businesses/${firstQuotaBusiness + (next++ % QUOTA_BUSINESSES)}/chats/new`;
    await measure(
      "mock-quota",
      `this mock, quota-bound (${QUOTA_BUSINESSES} businesses, quota 1,000: 200 until spent, then 420)`,
      await start({
        name: "mock-quota",
        command: node,
        args: mockArgs("--quota", "1000", "--fixtures", fixturesFile),
        cwd: root,
        probe: { ...probe, path: `/v2/businesses/${firstQuotaBusiness}/chats/new`, headers: { ...HEADERS, "Api-Key": QUOTA_TOKEN } },
      }),
      { ...load, path: quotaPath(), headers: { ...HEADERS, "Api-Key": QUOTA_TOKEN }, nextPath: quotaPath },
    );

    if (RSS_REQUESTS !== undefined) {
      const server = await start({ name: "mock-long", command: node, args: mockArgs("--quota", "1000000000"), cwd: root, probe });
      log(`mock: ${RSS_REQUESTS} requests for the RSS target ...`);
      const figures = await runLoad({ url: server.url, request: load, connections: CONNECTIONS, warmupSeconds: 0, amount: RSS_REQUESTS });
      const rss = server.rssBytes();
      await server.stop();
      scenarios.push({
        id: "mock-long",
        label: `this mock, ${RSS_REQUESTS.toLocaleString("en")} requests`,
        figures,
        servedRequests: figures.requests,
        ...(rss === undefined ? {} : { rssMb: rss / 2 ** 20 }),
      });
    }

    for (const s of scenarios) {
      s.ratioToBare = round2(s.figures.reqPerSec / bare.figures.reqPerSec);
      s.ratioToPrism = round2(s.figures.reqPerSec / prism.figures.reqPerSec);
    }

    const builtStartup = startup[0];
    const longRun = scenarios.find((s) => s.id === "mock-long");
    const rssRun = longRun ?? mock;
    const targets: TargetResult[] = [
      { target: "throughput >= 0.8 × bare node:http", measured: `${mock.ratioToBare?.toFixed(2)} ×`, met: (mock.ratioToBare ?? 0) >= 0.8 },
      { target: "throughput >= 8 × Prism", measured: `${mock.ratioToPrism?.toFixed(2)} ×`, met: (mock.ratioToPrism ?? 0) >= 8 },
      { target: "p99 <= 1 ms at 16 connections", measured: `${mock.figures.p99Ms.toFixed(3)} ms`, met: mock.figures.p99Ms <= 1 },
      {
        target: "first 200 <= 0.3 s after start",
        measured: builtStartup === undefined ? "not measured" : `${builtStartup.medianMs} ms (${builtStartup.label})`,
        met: builtStartup !== undefined && builtStartup.medianMs <= 300,
      },
      {
        target: "RSS <= 100 MB after 2 M requests",
        measured:
          rssRun.rssMb === undefined
            ? "not measured"
            : `${rssRun.rssMb.toFixed(0)} MB after ${rssRun.servedRequests?.toLocaleString("en")} requests` +
              (longRun === undefined ? "; 2 M requests are measured by `npm run soak` (or BENCH_RSS_REQUESTS=2000000)" : ""),
        // A shorter run says nothing about the target either way.
        met: longRun?.rssMb === undefined || (longRun.servedRequests ?? 0) < 2_000_000 ? undefined : longRun.rssMb <= 100,
      },
    ];
    const results: BenchResults = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      platform: `${platform()} ${release()}`,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      mockRunner,
      scenarios,
      startup,
      targets,
      notes: [
        "Latency percentiles are over every measured response's own time (sub-millisecond), all statuses included.",
        "The load generator shares the cores with the server under test, as in an integrator's CI.",
      ],
    };
    const markdown = toMarkdown(results);
    writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(root, "bench/RESULTS.md"), markdown);
    updateReadme(markdown);
    process.stdout.write(`\n${markdown}\n`);
    log(`done in ${Math.round((performance.now() - benchStarted) / 1000)} s; wrote bench/results.json and bench/RESULTS.md`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(resolve(fixturesFile, ".."), { recursive: true, force: true });
  }
}

/** Puts the table between the README's `<!-- bench:start -->` and `<!-- bench:end -->` lines, if it has them. */
function updateReadme(markdown: string): void {
  const file = join(root, "README.md");
  const readme = readFileSync(file, "utf8");
  const start = "<!-- bench:start -->\n";
  const end = "<!-- bench:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) {
    log("README.md has no bench markers; left as it is");
    return;
  }
  writeFileSync(file, `${readme.slice(0, from + start.length)}\n${markdown}\n${readme.slice(to)}`);
  log("updated the table in README.md");
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}


main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
