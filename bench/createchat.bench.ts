/**
 * `npm run bench`: every target of issue 17 in one run, on this machine.
 *
 * 1. In-process rows, each in a child process: a bare Fetch round trip, `createMockFetch`, the
 *    typed client over it, an MSW 2 static handler (bench/in-process.ts).
 * 2. Start-up: spawn to the first 200 over a socket, several times for the cheap servers.
 * 3. Rounds over a socket: every server of bench/targets.ts spawned anew, a warm-up, a measured
 *    run (wrk -t1 -c16 when /usr/bin/wrk exists, else autocannon), server CPU and RSS from /proc;
 *    WireMock's JIT warmed by ~60 s of load first and that process kept for what follows.
 * 4. Interleaved: the servers started once, short slices of each scenario in turn (error and
 *    quota paths beside the 200 path), medians; the targets' ratios come from these.
 * 5. State stores (bench/stores.ts): the mock in memory, on Redis with one replica, and on Redis
 *    with two replicas splitting the load, with Redis's CPU per request beside the mocks'; a
 *    redis-server of the bench's own (skipped, with the install command, where there is none).
 *
 * Writes bench/results.json and bench/RESULTS.md, nothing else in the checkout (peers go to the
 * gitignored bench/.peers, builds to node_modules/.cache). Traffic goes to 127.0.0.1 only.
 *
 * Env (for shorter runs while working on the bench; the defaults are the issue's): BENCH_SECONDS
 * (10), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (2), BENCH_SLICES (8), BENCH_SLICE_SECONDS (2),
 * BENCH_JIT_WARMUP_SECONDS (60), BENCH_INPROCESS_CALLS (20000), BENCH_ONLY (server ids, comma-separated),
 * BENCH_LOAD=autocannon (the fallback load generator even where wrk is installed). BENCH_ONLY
 * also takes `stores` for stage 5.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { buildMock, builtMockDir, MOCK_CLI_ENTRY, transpileBenchScripts } from "./build-mock.js";
import { IN_PROCESS_ROWS, parseInProcessOutput, type InProcessRowId } from "./in-process-protocol.js";
import { measureLoad, type LoadFigures, type LoadTool } from "./load.js";
import { ensurePeers, javaVersion, PEER_VERSIONS, type PeerPackage } from "./peers.js";
import { requestOnce, runToEnd, startServer, type ServerProcess } from "./processes.js";
import { judgeTargets } from "./ratios.js";
import { measureStores, type StoreRow } from "./stores.js";
import {
  median,
  toMarkdown,
  type BenchResults,
  type InProcessRow,
  type InterleavedRow,
  type Measurement,
  type RoundRow,
  type SkippedTarget,
  type StartupRow,
} from "./report.js";
import { SERVERS, type Launch, type ScenarioSpec, type ServerSpec, type Skip, type TargetContext } from "./targets.js";
import { WRK_INSTALL, wrkVersion } from "./wrk.js";

const root = resolve(import.meta.dirname, "..");

function wholeSeconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  // wrk takes whole seconds only.
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1, got ${JSON.stringify(raw)}`);
  return value;
}

const CONFIG = {
  connections: 16,
  seconds: wholeSeconds("BENCH_SECONDS", 10),
  warmupSeconds: wholeSeconds("BENCH_WARMUP_SECONDS", 3),
  rounds: wholeSeconds("BENCH_ROUNDS", 2),
  slices: wholeSeconds("BENCH_SLICES", 8),
  sliceSeconds: wholeSeconds("BENCH_SLICE_SECONDS", 2),
  jitWarmupSeconds: process.env.BENCH_JIT_WARMUP_SECONDS === undefined ? undefined : wholeSeconds("BENCH_JIT_WARMUP_SECONDS", 60),
  inProcessCalls: wholeSeconds("BENCH_INPROCESS_CALLS", 20_000),
  inProcessRuns: 5,
  startupSamples: 5,
  only: process.env.BENCH_ONLY?.split(",").map((s) => s.trim()),
} as const;

const BENCH_SCRIPTS = ["request", "bare-node-http", "minimal-hono", "in-process-protocol", "in-process"] as const;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const IN_PROCESS_LABELS: Record<InProcessRowId, string> = {
  bare: "bare `async (req) => new Response(...)`: a new Request, the handler, `.text()`",
  "mock-fetch": "`createMockFetch` from ./testing: `fetch(url, init)`, `.text()`",
  client: "the typed client over `createMockFetch`: `createChat(client, 1001, body)`",
  msw: "MSW static handler: `setupServer`, the global `fetch`, `.text()`",
};

function mswLabel(version: string | undefined): string {
  return `MSW ${version ?? "2"} static handler: \`setupServer\`, the global \`fetch\`, \`.text()\` (MSW 3 declares Node ≥ 22.12; this is Node ${process.version}, so MSW 2)`;
}

async function inProcessRows(script: string): Promise<InProcessRow[]> {
  const rows: InProcessRow[] = [];
  for (const id of IN_PROCESS_ROWS) {
    const { inProcessCalls: calls, inProcessRuns: runs } = CONFIG;
    log(`in-process ${id}: ${runs} × ${calls} calls ...`);
    try {
      // Bounded: 2 ms a call is far past the slowest row (MSW, ~0.5 ms).
      const stdout = await runToEnd(process.execPath, [script, "--row", id, "--calls", String(calls), "--runs", String(runs)], {
        timeoutMs: 60_000 + calls * (runs + 1) * 2,
        cwd: root,
      });
      const output = parseInProcessOutput(stdout.trim().split("\n").at(-1) ?? "");
      const row: InProcessRow = {
        id,
        label: id === "msw" ? mswLabel(output.version) : IN_PROCESS_LABELS[id],
        calls,
        runs: output.runsMicrosPerCall,
        answer: output.answer,
      };
      const m = median(output.runsMicrosPerCall);
      if (m !== undefined) row.medianMicros = m;
      rows.push(row);
      log(`in-process ${id}: ${output.runsMicrosPerCall.join(", ")} µs per call`);
    } catch (error) {
      rows.push({ id, label: id === "msw" ? mswLabel(undefined) : IN_PROCESS_LABELS[id], calls, runs: [], error: errorText(error) });
      log(`in-process ${id} failed: ${errorText(error)}`);
    }
  }
  return rows;
}

/** A server of the table that can run here, with its launch. */
interface Runnable {
  spec: ServerSpec;
  launch: Launch;
}

async function spawnServer({ spec, launch }: Runnable): Promise<ServerProcess> {
  const scenario = spec.scenarios[0] as ScenarioSpec;
  return startServer({
    name: spec.id,
    command: launch.command,
    args: launch.args,
    cwd: root,
    ...(launch.env === undefined ? {} : { env: launch.env }),
    probe: scenario.request,
    timeoutMs: 90_000,
    pollMs: launch.pollMs ?? 5,
  });
}

/** A scenario's answers all of the expected status class; wrk tells 2xx/3xx from the rest only. */
function unexpectedOf(figures: LoadFigures, expectStatus: number): number {
  const byStatus = figures.statuses;
  const wrong =
    byStatus !== undefined
      ? figures.requests - (byStatus[String(expectStatus)] ?? 0)
      : expectStatus < 400
        ? figures.non2xx
        : figures.requests - figures.non2xx;
  return Math.max(0, wrong) + figures.errors;
}

/**
 * Load that is not measured, then a check that the server answers the scenario's status (after
 * the load, which is what spends the quota of the 420 scenario).
 */
async function warmUp(tool: LoadTool, server: ServerProcess, scenario: ScenarioSpec, seconds: number): Promise<void> {
  if (seconds > 0) await measureLoad({ tool, url: server.url, request: scenario.request, connections: CONFIG.connections, warmupSeconds: 0, seconds });
  const status = await requestOnce(Number(new URL(server.url).port), scenario.request);
  if (status !== scenario.expectStatus) throw new Error(`${server.name} answered ${status ?? "nothing"} where ${scenario.expectStatus} was expected`);
}

/** One measured run of a scenario after {@link warmUp}: figures, server CPU per request, RSS after. */
async function measure(tool: LoadTool, server: ServerProcess, scenario: ScenarioSpec, warmupSeconds: number, seconds: number): Promise<Measurement> {
  await warmUp(tool, server, scenario, warmupSeconds);
  const cpu: { start?: number; end?: number } = {};
  const figures = await measureLoad({
    tool,
    url: server.url,
    request: scenario.request,
    connections: CONFIG.connections,
    warmupSeconds: 0,
    seconds,
    onMeasured: (phase) => (cpu[phase] = server.cpuSeconds()),
  });
  const rss = server.rssBytes();
  const m: Measurement = {
    reqPerSec: figures.reqPerSec,
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    maxMs: figures.maxMs,
    requests: figures.requests,
    unexpected: unexpectedOf(figures, scenario.expectStatus),
  };
  if (cpu.start !== undefined && cpu.end !== undefined && figures.requests > 0) m.cpuMicrosPerRequest = Math.round(((cpu.end - cpu.start) * 1e6) / figures.requests);
  if (rss !== undefined) m.rssMb = Math.round(rss / 2 ** 20);
  return m;
}

function describe(m: Measurement): string {
  return `${m.reqPerSec} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, CPU ${m.cpuMicrosPerRequest ?? "?"} µs/req, RSS ${m.rssMb ?? "?"} MB${m.unexpected > 0 ? `, ${m.unexpected} unexpected` : ""}`;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const tmpDir = mkdtempSync(join(tmpdir(), "createchat-bench-"));
  // Also on Ctrl-C: processes.ts stops the servers, this removes the scratch folder.
  process.once("exit", () => rmSync(tmpDir, { recursive: true, force: true }));
  const live = new Set<ServerProcess>();
  const stopServer = async (server: ServerProcess) => {
    live.delete(server);
    await server.stop();
  };

  try {
    const wrk = process.env.BENCH_LOAD === "autocannon" ? undefined : wrkVersion();
    const tool: LoadTool = wrk === undefined ? { kind: "autocannon" } : { kind: "wrk", scriptDir: tmpDir, threads: 1 };
    const loadTool = wrk === undefined ? `autocannon in the bench's own process (no ${"`/usr/bin/wrk`"}: \`${WRK_INSTALL}\` for the issue's setup)` : `${wrk} -t1`;
    log(`load generator: ${loadTool}`);

    const started = performance.now();
    const buildName = "createchat-bench";
    const build = buildMock(buildName);
    if (build.cli === undefined) throw new Error(`the mock did not build: ${build.output}`);
    const buildDir = builtMockDir(buildName);
    const scripts = transpileBenchScripts(buildDir, BENCH_SCRIPTS);
    log(`built the mock and the bench's servers in ${Math.round(performance.now() - started)} ms`);

    const selected = SERVERS.filter((s) => CONFIG.only === undefined || CONFIG.only.includes(s.id));
    const java = javaVersion();
    const peers = [...new Set(selected.flatMap((s) => s.peers ?? []))].filter((p) => p !== "wiremock" || java !== undefined) as PeerPackage[];
    const peerInstallError = await ensurePeers(peers, log);
    if (peerInstallError !== undefined) log(peerInstallError);
    const context: TargetContext = { root, node: process.execPath, buildDir, scripts, tmpDir, java, peerInstallError };

    const runnable: Runnable[] = [];
    const skipped: SkippedTarget[] = [];
    for (const spec of selected) {
      const prepared: Launch | Skip = spec.prepare(context);
      if ("skip" in prepared) {
        skipped.push({ id: spec.id, label: spec.label, reason: prepared.skip, install: prepared.install });
        log(`${spec.label}: skipped (${prepared.skip}); install with: ${prepared.install}`);
      } else runnable.push({ spec, launch: prepared });
    }

    // 1. In-process.
    const inProcess = await inProcessRows(scripts["in-process"] as string);

    // 2. Start-up samples of the cheap servers, in turn.
    const startup: StartupRow[] = [];
    const sampled = runnable.filter((r) => r.spec.startupSamples === true);
    const samples = new Map<string, number[]>(sampled.map((r) => [r.spec.id, []]));
    for (let i = 0; i < CONFIG.startupSamples; i++) {
      for (const r of sampled) {
        try {
          const server = await spawnServer(r);
          samples.get(r.spec.id)?.push(Math.round(server.firstOkMs));
          await server.stop();
        } catch (error) {
          log(`${r.spec.id} start-up sample failed: ${errorText(error)}`);
        }
      }
    }
    for (const r of sampled) {
      const list = samples.get(r.spec.id) ?? [];
      const row: StartupRow = { id: r.spec.id, label: r.spec.label, samplesMs: list };
      const m = median(list);
      if (m !== undefined) row.medianMs = m;
      startup.push(row);
      log(`${r.spec.id}: first 200 after ${list.join(", ")} ms`);
    }

    // 3. Rounds.
    const socket: RoundRow[] = [];
    const rowOf = new Map<string, RoundRow>();
    const kept = new Map<string, ServerProcess>();
    const firstOkOfPeers = new Map<string, number[]>();
    for (const { spec } of runnable) {
      const roundScenarios = spec.scenarios.filter((s) => s.rounds);
      for (const s of roundScenarios) {
        if (spec.jitWarmupSeconds !== undefined) {
          const coldSeconds = CONFIG.warmupSeconds + CONFIG.seconds;
          const cold: RoundRow = { id: `${s.id}-cold`, label: `${spec.label}, cold: the first ${coldSeconds} s after its start`, server: spec.id, expectStatus: s.expectStatus, rounds: [], firstOkMs: [] };
          socket.push(cold);
          rowOf.set(cold.id, cold);
        }
        const row: RoundRow = { id: s.id, label: s.label, server: spec.id, expectStatus: s.expectStatus, rounds: [], firstOkMs: [] };
        socket.push(row);
        rowOf.set(row.id, row);
      }
    }
    for (let round = 0; round < CONFIG.rounds; round++) {
      for (const r of runnable) {
        const { spec } = r;
        const scenarios = spec.scenarios.filter((s) => s.rounds);
        if (scenarios.length === 0) continue;
        let server = kept.get(spec.id);
        const fresh = server === undefined;
        try {
          if (server === undefined) {
            log(`round ${round + 1}: starting ${spec.id} ...`);
            server = await spawnServer(r);
            live.add(server);
            if (spec.startupSamples !== true) firstOkOfPeers.set(spec.id, [...(firstOkOfPeers.get(spec.id) ?? []), Math.round(server.firstOkMs)]);
          }
        } catch (error) {
          for (const s of scenarios) {
            const row = rowOf.get(s.id) as RoundRow;
            row.rounds[round] = { error: errorText(error) };
            const cold = rowOf.get(`${s.id}-cold`);
            if (cold !== undefined && round === 0) cold.rounds[0] = { error: errorText(error) };
          }
          log(`round ${round + 1}: ${spec.id} did not start: ${errorText(error)}`);
          continue;
        }
        // A JIT-warmed server's first 200 belongs to its cold row; its warm rows come from a kept process.
        for (const s of scenarios) (rowOf.get(s.id) as RoundRow).firstOkMs[round] = fresh && spec.jitWarmupSeconds === undefined ? server.firstOkMs : undefined;
        const jit = CONFIG.jitWarmupSeconds ?? spec.jitWarmupSeconds;
        for (const s of scenarios) {
          const row = rowOf.get(s.id) as RoundRow;
          try {
            if (spec.jitWarmupSeconds !== undefined && jit !== undefined && fresh) {
              const cold = rowOf.get(`${s.id}-cold`) as RoundRow;
              cold.firstOkMs[round] = server.firstOkMs;
              log(`round ${round + 1}: ${s.id}, cold: ${CONFIG.warmupSeconds} s warm-up, ${CONFIG.seconds} s measured ...`);
              const coldRun = await measure(tool, server, s, CONFIG.warmupSeconds, CONFIG.seconds);
              cold.rounds[round] = coldRun;
              log(`  ${describe(coldRun)}`);
              const more = jit - CONFIG.warmupSeconds - CONFIG.seconds;
              if (more > 0) {
                log(`round ${round + 1}: ${s.id}: ${more} s more load for its JIT ...`);
                await measureLoad({ tool, url: server.url, request: s.request, connections: CONFIG.connections, warmupSeconds: 0, seconds: more });
              }
            }
            log(`round ${round + 1}: ${s.id}: ${CONFIG.warmupSeconds} s warm-up, ${CONFIG.seconds} s measured ...`);
            const m = await measure(tool, server, s, CONFIG.warmupSeconds, CONFIG.seconds);
            row.rounds[round] = m;
            log(`  ${describe(m)}`);
          } catch (error) {
            row.rounds[round] = { error: errorText(error) };
            log(`round ${round + 1}: ${s.id} failed: ${errorText(error)}`);
          }
        }
        if (spec.jitWarmupSeconds !== undefined) kept.set(spec.id, server);
        else await stopServer(server);
      }
    }
    for (const r of runnable) {
      const list = firstOkOfPeers.get(r.spec.id);
      if (list === undefined || list.length === 0) continue;
      const row: StartupRow = { id: r.spec.id, label: r.spec.label, samplesMs: list };
      const m = median(list);
      if (m !== undefined) row.medianMs = m;
      startup.push(row);
    }

    // 4. Interleaved: every server started once (a warm one kept from the rounds), slices in turn.
    const interleaved: InterleavedRow[] = [];
    const sliceTargets: Array<{ server: ServerProcess; scenario: ScenarioSpec; row: InterleavedRow }> = [];
    for (const r of runnable) {
      const scenarios = r.spec.scenarios.filter((s) => s.interleaved);
      if (scenarios.length === 0) continue;
      let server = kept.get(r.spec.id);
      const rows = scenarios.map((s): InterleavedRow => ({ id: s.id, label: s.label, expectStatus: s.expectStatus, slices: [], errors: [] }));
      interleaved.push(...rows);
      try {
        if (server === undefined) {
          server = await spawnServer(r);
          live.add(server);
        }
      } catch (error) {
        for (const row of rows) row.errors.push(`did not start: ${errorText(error)}`);
        continue;
      }
      for (const [i, s] of scenarios.entries()) sliceTargets.push({ server, scenario: s, row: rows[i] as InterleavedRow });
    }
    log(`interleaved: ${sliceTargets.length} scenarios, ${CONFIG.sliceSeconds} s warm-up each, then ${CONFIG.slices} slices of ${CONFIG.sliceSeconds} s each in turn ...`);
    const ready = new Set<(typeof sliceTargets)[number]>();
    for (const t of sliceTargets) {
      try {
        await warmUp(tool, t.server, t.scenario, CONFIG.sliceSeconds);
        ready.add(t);
      } catch (error) {
        t.row.errors.push(errorText(error));
        log(`interleaved: ${t.scenario.id} failed its warm-up: ${errorText(error)}`);
      }
    }
    for (let slice = 0; slice < CONFIG.slices; slice++) {
      // Each slice starts one further along, so no scenario always follows the same one.
      const order = sliceTargets.map((_, i) => sliceTargets[(i + slice) % sliceTargets.length] as (typeof sliceTargets)[number]);
      for (const t of order) {
        if (!ready.has(t)) continue;
        try {
          t.row.slices.push(await measure(tool, t.server, t.scenario, 0, CONFIG.sliceSeconds));
        } catch (error) {
          t.row.errors.push(`slice ${slice + 1}: ${errorText(error)}`);
        }
      }
      log(`interleaved: slice ${slice + 1} of ${CONFIG.slices} done`);
    }
    for (const t of sliceTargets) {
      const { row } = t;
      const pick = (f: (m: Measurement) => number | undefined) => median(row.slices.map(f).filter((v): v is number => v !== undefined));
      const reqPerSec = pick((m) => m.reqPerSec);
      const p50Ms = pick((m) => m.p50Ms);
      const p99Ms = pick((m) => m.p99Ms);
      const cpu = pick((m) => m.cpuMicrosPerRequest);
      if (reqPerSec !== undefined && p50Ms !== undefined && p99Ms !== undefined) {
        row.median = { reqPerSec: Math.round(reqPerSec), p50Ms, p99Ms, ...(cpu === undefined ? {} : { cpuMicrosPerRequest: Math.round(cpu * 10) / 10 }) };
      }
      const rss = t.server.rssBytes();
      if (rss !== undefined) row.rssMb = Math.round(rss / 2 ** 20);
      log(`interleaved ${row.id}: median ${row.median?.reqPerSec ?? "?"} req/s, CPU ${row.median?.cpuMicrosPerRequest ?? "?"} µs/req, p99 ${row.median?.p99Ms ?? "?"} ms`);
    }
    await Promise.all([...live].map(stopServer));

    // 5. State stores.
    let stores: StoreRow[] | undefined;
    if (CONFIG.only === undefined || CONFIG.only.includes("stores")) {
      log(`stores: in memory, Redis × 1, Redis × 2 (load split), ${CONFIG.rounds} rounds ...`);
      stores = await measureStores({
        tool,
        buildDir,
        node: process.execPath,
        cwd: root,
        connections: CONFIG.connections,
        warmupSeconds: CONFIG.warmupSeconds,
        seconds: CONFIG.seconds,
        rounds: CONFIG.rounds,
        log,
      });
    }

    const inputs = { socket, interleaved, startup, inProcess, skipped };
    const results: BenchResults = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      platform: `${platform()} ${release()}`,
      loadTool,
      connections: CONFIG.connections,
      warmupSeconds: CONFIG.warmupSeconds,
      seconds: CONFIG.seconds,
      rounds: CONFIG.rounds,
      slices: CONFIG.slices,
      sliceSeconds: CONFIG.sliceSeconds,
      inProcessCalls: CONFIG.inProcessCalls,
      inProcessRuns: CONFIG.inProcessRuns,
      mockRunner: `node ${relative(root, join(buildDir, MOCK_CLI_ENTRY))}`,
      durationSeconds: Math.round((performance.now() - benchStarted) / 1000),
      ...inputs,
      ...(stores === undefined ? {} : { stores }),
      targets: judgeTargets(inputs),
      notes: notes(java, wrk, skipped),
    };
    const markdown = toMarkdown(results);
    writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(root, "bench/RESULTS.md"), markdown);
    process.stdout.write(`\n${markdown}\n`);
    log(`done in ${results.durationSeconds} s; wrote bench/results.json and bench/RESULTS.md`);
  } finally {
    await Promise.all([...live].map(stopServer));
  }
}

function notes(java: string | undefined, wrk: string | undefined, skipped: readonly SkippedTarget[]): string[] {
  const jit = CONFIG.jitWarmupSeconds ?? 60;
  const ran = (id: string) => !skipped.some((s) => s.id === id);
  const list = [
    "The mock is the CLI built with tsc (as `dist/mock/cli.js`), so no loader shares its process; the bare and Hono servers are bench/bare-node-http.ts and bench/minimal-hono.ts transpiled beside it.",
    `The load generator shares the 2 cores with the server under test; ${wrk === undefined ? "autocannon runs in the bench's own process" : "wrk uses one thread"}. Server CPU per request (the server process and its descendants, from /proc/<pid>/stat, over the measured seconds) is the steadiest figure on a shared machine; req/s and p99 move by 20–30 % between runs.`,
    `${wrk === undefined ? "Latency percentiles are over every response's own time." : "p50/p99 are wrk's (its histogram, without coordinated-omission correction)."} RSS is the server's process tree right after the run.`,
    "The error paths (400 bad body, 403 unknown token) are measured in the interleaved slices only, on the same mock process as its 200 path; the 420s come from a second mock started with `--quota 1000`, whose quota for business 1001 is spent in its warm-up.",
    ran("wiremock")
      ? `WireMock runs with the JVM's defaults (\`java -jar\`${java === undefined ? "" : `, ${java}`}), request journal and request logging off. Its cold row is its first ${CONFIG.warmupSeconds + CONFIG.seconds} s after the start; after ~${jit} s of load the same process gives its other rows and its slices.`
      : "",
    ran("mockoon") ? "Mockoon logs every request to stdout (its default; the bench sends it to a file) and is left out of the slices: its rounds show where it stands." : "",
    `Peers: WireMock ${PEER_VERSIONS.wiremock} and Mockoon ${PEER_VERSIONS["@mockoon/cli"]} from bench/.peers (installed there by the bench), Prism from devDependencies; MSW 2 in-process (MSW 3 declares Node ≥ 22.12).`,
  ];
  return list.filter((n) => n !== "");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
