/**
 * `npx tsx binary/measure.ts <executable> [runs]`: the numbers the README gives for the executable:
 * its size, and the time from spawn to the listening line and to the first createChat 200, median
 * of `runs` (default 9) starts, the first start (which writes the package folder) reported apart.
 * The same for `node dist/mock/cli.js` when dist/ is built, for comparison.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BANNER = /createChat mock listening on (http:\/\/\S+)/;

interface Sample {
  bannerMs: number;
  firstOkMs: number;
}

async function once(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const child = spawn(command, [...args, "--port", "0", "--log", "silent"], { env, stdio: ["ignore", "pipe", "ignore"] });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const match = BANNER.exec(out);
        if (match) done(match[1] as string);
      });
      child.once("exit", (code) => fail(new Error(`exited ${code} before listening`)));
    });
    const bannerMs = performance.now() - started;
    const response = await fetch(`${url}/v2/businesses/1001/chats/new`, {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    if (response.status !== 200) throw new Error(`createChat answered ${response.status}`);
    await response.arrayBuffer();
    return { bannerMs, firstOkMs: performance.now() - started };
  } finally {
    const exited = new Promise((done) => child.once("close", done));
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${Math.round(value)} ms`;

async function series(label: string, command: string, args: string[], runs: number, env: NodeJS.ProcessEnv): Promise<void> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once(command, args, env));
  const [first, ...rest] = samples;
  const warm = rest.length > 0 ? rest : samples;
  console.log(
    `${label}: listening ${ms(median(warm.map((s) => s.bannerMs)))}, first 200 ${ms(median(warm.map((s) => s.firstOkMs)))} ` +
      `(median of ${warm.length}); first start ${ms(first?.bannerMs ?? Number.NaN)} / ${ms(first?.firstOkMs ?? Number.NaN)}`,
  );
}

const [executable, runsText] = process.argv.slice(2);
if (executable === undefined) {
  console.error("usage: npx tsx binary/measure.ts <executable> [runs]");
  process.exit(2);
}
const runs = Number(runsText ?? 9);
// A temporary directory of its own, so the first start really writes the package folder.
const tmp = mkdtempSync(join(tmpdir(), "createchat-mock-measure-"));
try {
  const env = { ...process.env, TMPDIR: tmp };
  console.log(`${executable}: ${(statSync(executable).size / 1024 / 1024).toFixed(1)} MiB`);
  await series("executable", resolve(executable), [], runs, env);
  const cli = resolve(import.meta.dirname, "..", "dist", "mock", "cli.js");
  if (existsSync(cli)) await series("node dist/mock/cli.js", process.execPath, [cli], runs, env);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
