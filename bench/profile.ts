/**
 * `npx tsx bench/profile.ts`: the mock under the benchmark's load with `node --cpu-prof`, then the
 * profile summed up: busy time per file (our modules, hono, the adaptor, Node, the kernel's writev)
 * and the functions with the most self time. Run `npm run bench` first (it builds the mock to
 * node_modules/.cache/createchat-bench); the .cpuprofile is kept for Chrome DevTools.
 *
 * Env: PROFILE_SECONDS (default 8).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { builtMockDir, MOCK_CLI_ENTRY } from "./build-mock.js";
import { runLoad } from "./load.js";
import { startServer } from "./processes.js";

const root = resolve(import.meta.dirname, "..");
const cli = join(builtMockDir("createchat-bench"), MOCK_CLI_ENTRY);
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const PATH = "/v2/businesses/1001/chats/new";
const HEADERS = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };
const BODY = JSON.stringify({ context: { type: "ORDER", id: 11001 } });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Busy time (idle left out) per file and per function, as shares of the busy total. */
export function summarize(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const files = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, time] of selfTime) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += time;
    const file = frame.url === "" ? `(${frame.functionName})` : frame.url.replace(/.*node_modules\//, "").replace(/.*createchat-bench\//, "");
    files.set(file, (files.get(file) ?? 0) + time);
    const fn = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + time);
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => `${((100 * time) / busy).toFixed(1).padStart(5)}%  ${name}`)
      .join("\n");
  return `busy ${(busy / 1e6).toFixed(2)} s\n\nby file:\n${list(files)}\n\nby function (self time):\n${list(functions)}\n`;
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run bench\` first (it builds the mock there)`);
  const dir = mkdtempSync(join(tmpdir(), "createchat-profile-"));
  const server = await startServer({
    name: "mock (profiled)",
    command: process.execPath,
    args: ["--cpu-prof", `--cpu-prof-dir=${dir}`, cli, "--port", "{port}", "--log", "silent", "--quota", "1000000000"],
    cwd: root,
    probe: { path: PATH, headers: HEADERS, body: BODY },
  });
  let figures;
  try {
    figures = await runLoad({ url: server.url, request: { path: PATH, headers: HEADERS, body: BODY }, warmupSeconds: 2, seconds });
  } finally {
    // SIGTERM: the CLI closes and exits, and Node writes the profile on the way out.
    await server.stop(10_000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  const requests = figures.requests + figures.warmupRequests;
  process.stdout.write(`${figures.reqPerSec} req/s measured; ${requests} requests profiled; profile: ${join(dir, file)}\n\n`);
  process.stdout.write(summarize(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile));
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
