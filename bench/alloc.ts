/**
 * `npm run bench:alloc`: what one mock request allocates. The built CLI runs with
 * bench/alloc-agent.ts loaded into its process; after a warm-up (which also fills the journal's
 * ring, so its evictions are counted as in a long run), the agent samples every allocation,
 * freed or not, over ALLOC_REQUESTS requests (default 20,000) of each path: bytes per request,
 * the functions that allocate most, and the GCs it cost; bare node:http under the same agent is
 * the floor. Prints markdown; writes nothing.
 *
 * Load comes from autocannon in this process (an exact request count), so the load generator's
 * own garbage is not in the mock's figures.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildMock, builtMockDir, MOCK_CLI_ENTRY, transpileBenchScripts } from "./build-mock.js";
import { runLoad, type LoadRequest } from "./load.js";
import { startServer, type ServerProcess } from "./processes.js";
import { allocatedFromGcs, summarize, type AgentOutput } from "./alloc-summary.js";
import { CREATE_CHAT_BODY_TEXT, CREATE_CHAT_PATH, REQUEST_HEADERS } from "./request.js";

const root = resolve(import.meta.dirname, "..");
const REQUESTS = Number(process.env.ALLOC_REQUESTS ?? 20_000);
const WARMUP_REQUESTS = 20_000;
const SAMPLING_INTERVAL_BYTES = 4096;
const TOP = 15;

const CREATE_CHAT: LoadRequest = { path: CREATE_CHAT_PATH, headers: REQUEST_HEADERS, body: CREATE_CHAT_BODY_TEXT };
/** Which process a scenario runs in: the mock with a quota, or the bare node:http server as the floor. */
type Target = { kind: "mock"; quota: string } | { kind: "bare" };
const UNBOUNDED: Target = { kind: "mock", quota: "1000000000" };
const SCENARIOS: ReadonlyArray<{ status: number; label: string; target: Target; request: LoadRequest }> = [
  { status: 200, label: "bare node:http (parse JSON, fixed 200): the floor", target: { kind: "bare" }, request: CREATE_CHAT },
  { status: 200, label: "mock 200 (a chat, the quota out of the way)", target: UNBOUNDED, request: CREATE_CHAT },
  { status: 400, label: "mock 400 (bad body: context.id 0)", target: UNBOUNDED, request: { ...CREATE_CHAT, body: JSON.stringify({ context: { type: "ORDER", id: 0 } }) } },
  { status: 403, label: "mock 403 (unknown token)", target: UNBOUNDED, request: { ...CREATE_CHAT, headers: { ...REQUEST_HEADERS, "Api-Key": "bench-unknown-token" } } },
  { status: 420, label: "mock 420 (quota of 1,000 spent)", target: { kind: "mock", quota: "1000" }, request: CREATE_CHAT },
];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function report(label: string, output: AgentOutput, requests: number): string {
  const { total, functions, areas } = summarize(output.profile.head);
  const gcs = output.gc?.statistics ?? [];
  const byGc = allocatedFromGcs(gcs, output.usedAtStart, output.usedAtEnd);
  const scavenges = gcs.filter((g) => /scavenge/i.test(g.gcType)).length;
  const majors = gcs.filter((g) => /mark/i.test(g.gcType)).length;
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, bytes]) => `| ${name.replace(/\|/g, "\\|")} | ${Math.round(bytes / requests)} | ${((100 * bytes) / total).toFixed(1)} % |`);
  return [
    `### ${label}`,
    "",
    `${requests.toLocaleString("en")} requests: **${kb(total / requests)} allocated per request** (sampling heap profiler, freed objects included); ` +
      `${kb(byGc / requests)} by the GCs' own accounting; ${scavenges} scavenges and ${majors} mark-compacts ` +
      // GC time is left out: the profiler's tracking of sampled objects makes every GC slower.
      `(one scavenge per ${scavenges === 0 ? "–" : Math.round(requests / scavenges)} requests).`,
    "",
    "| where | bytes per request | share |",
    "|---|---:|---:|",
    ...rows(areas, 8),
    "",
    "| function (self) | bytes per request | share |",
    "|---|---:|---:|",
    ...rows(functions, TOP),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  if (!Number.isInteger(REQUESTS) || REQUESTS < 1) throw new Error("ALLOC_REQUESTS must be a positive integer");
  const build = buildMock("createchat-bench");
  if (build.cli === undefined) throw new Error(`the mock did not build: ${build.output}`);
  const dir = builtMockDir("createchat-bench");
  const { "alloc-agent": agent, "bare-node-http": bare } = transpileBenchScripts(dir, ["alloc-agent", "request", "bare-node-http"]);
  const tmp = mkdtempSync(join(tmpdir(), "createchat-alloc-"));
  const out = join(tmp, "profile.json");
  const servers = new Map<string, ServerProcess>();
  const sections: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const { target } = scenario;
      const key = target.kind === "bare" ? "bare" : `mock-${target.quota}`;
      let server = servers.get(key);
      if (server === undefined) {
        const entry = target.kind === "bare" ? [bare as string] : [join(dir, MOCK_CLI_ENTRY), "--log", "silent", "--quota", target.quota];
        server = await startServer({
          name: `alloc-${key}`,
          command: process.execPath,
          args: ["--import", agent as string, ...entry, "--port", "{port}"],
          cwd: root,
          env: { ALLOC_PROFILE_OUT: out },
          probe: CREATE_CHAT,
          ipc: true,
        });
        servers.set(key, server);
      }
      process.stderr.write(`[alloc] ${scenario.label}: ${WARMUP_REQUESTS} requests of warm-up, ${REQUESTS} sampled ...\n`);
      await runLoad({ url: server.url, request: scenario.request, warmupSeconds: 0, amount: WARMUP_REQUESTS });
      const started = await server.ask({ type: "start", intervalBytes: SAMPLING_INTERVAL_BYTES });
      if (started !== "started") throw new Error(`the agent answered ${String(started)}`);
      const figures = await runLoad({ url: server.url, request: scenario.request, warmupSeconds: 0, amount: REQUESTS });
      const stopped = await server.ask("stop");
      if (stopped !== "stopped") throw new Error(`the agent answered ${String(stopped)}`);
      const statuses = figures.statuses ?? {};
      if ((statuses[String(scenario.status)] ?? 0) !== figures.requests) throw new Error(`${scenario.label}: answers were ${JSON.stringify(statuses)}`);
      sections.push(report(scenario.label, JSON.parse(readFileSync(out, "utf8")) as AgentOutput, figures.requests));
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(
    `## Allocation per request (\`npm run bench:alloc\`, ${new Date().toISOString()}, Node ${process.version})\n\n` +
      `The built CLI with V8's sampling heap profiler (every ${SAMPLING_INTERVAL_BYTES} bytes on average) loaded into it, 16 connections of autocannon.\n\n` +
      sections.join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:alloc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
