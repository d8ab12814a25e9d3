/**
 * `npm run bench:alloc`: what one mock request allocates. The built CLI runs with
 * bench/alloc-agent.ts loaded into its process; after a warm-up (which also fills the journal's
 * ring, so its evictions are counted as in a long run), the agent samples every allocation,
 * freed or not, over ALLOC_REQUESTS requests (default 20,000) of each path: bytes per request,
 * the functions that allocate most, and the GCs it cost. Prints markdown; writes nothing.
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
const SCENARIOS: ReadonlyArray<{ id: string; label: string; quota: string; request: LoadRequest }> = [
  { id: "200", label: "200 (a chat, the quota out of the way)", quota: "1000000000", request: CREATE_CHAT },
  { id: "400", label: "400 (bad body: context.id 0)", quota: "1000000000", request: { ...CREATE_CHAT, body: JSON.stringify({ context: { type: "ORDER", id: 0 } }) } },
  { id: "403", label: "403 (unknown token)", quota: "1000000000", request: { ...CREATE_CHAT, headers: { ...REQUEST_HEADERS, "Api-Key": "bench-unknown-token" } } },
  { id: "420", label: "420 (quota of 1,000 spent)", quota: "1000", request: CREATE_CHAT },
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
  const { "alloc-agent": agent } = transpileBenchScripts(dir, ["alloc-agent"]);
  const tmp = mkdtempSync(join(tmpdir(), "createchat-alloc-"));
  const out = join(tmp, "profile.json");
  const servers = new Map<string, ServerProcess>();
  const sections: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      let server = servers.get(scenario.quota);
      if (server === undefined) {
        server = await startServer({
          name: `mock-alloc-${scenario.quota}`,
          command: process.execPath,
          args: ["--import", agent as string, join(dir, MOCK_CLI_ENTRY), "--port", "{port}", "--log", "silent", "--quota", scenario.quota],
          cwd: root,
          env: { ALLOC_PROFILE_OUT: out },
          probe: CREATE_CHAT,
          ipc: true,
        });
        servers.set(scenario.quota, server);
      }
      process.stderr.write(`[alloc] ${scenario.label}: ${WARMUP_REQUESTS} requests of warm-up, ${REQUESTS} sampled ...\n`);
      await runLoad({ url: server.url, request: scenario.request, warmupSeconds: 0, amount: WARMUP_REQUESTS });
      const started = await server.ask({ type: "start", intervalBytes: SAMPLING_INTERVAL_BYTES });
      if (started !== "started") throw new Error(`the agent answered ${String(started)}`);
      const figures = await runLoad({ url: server.url, request: scenario.request, warmupSeconds: 0, amount: REQUESTS });
      const stopped = await server.ask("stop");
      if (stopped !== "stopped") throw new Error(`the agent answered ${String(stopped)}`);
      const statuses = figures.statuses ?? {};
      if ((statuses[scenario.id] ?? 0) !== figures.requests) throw new Error(`${scenario.label}: answers were ${JSON.stringify(statuses)}`);
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
