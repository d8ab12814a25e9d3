/**
 * The package installed from git, as the README says: a temporary clone of this checkout's HEAD
 * stands in for GitHub, and the README's `npm install --save-dev github:…` runs with its address
 * swapped for `git+file://<clone>`, in a fresh project under the OS temporary directory. npm then
 * clones it, installs its devDependencies and runs its `prepare` (the build), as for any git
 * dependency. There: the bin, every entry point by name, a typecheck against the shipped types,
 * the Python example suite through `npx`, and what a SIGTERM to `npx`'s PID does.
 *
 * Commits only: uncommitted changes of the checkout are not in the clone.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, createChatCall, killStarted, startServing } from "../support/serving.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

/** The install-from-git block of docs/install.md: the command, and the allowScripts entries it says to add. */
function readmeGitInstall(): { command: string; allowScripts: Record<string, boolean> } {
  const readme = readFileSync(join(ROOT, "docs", "install.md"), "utf8");
  const command = /^npm install --save-dev github:\S+$/m.exec(readme)?.[0];
  const allow = /^ {2}"allowScripts": (\{[^\n]*\})$/m.exec(readme)?.[1];
  if (command === undefined || allow === undefined) throw new Error("docs/install.md lacks its install-from-git command or its allowScripts line");
  return { command, allowScripts: JSON.parse(allow) as Record<string, boolean> };
}

let work: string;
let project: string;
let gitUrl: string;
let installOutput: string;
const installed = () => join(project, "node_modules", pkg.name);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "createchat-git-e2e-"));
  const clone = join(work, "market-createchat-mock");
  await exec("git", ["clone", "--quiet", ROOT, clone], { timeout: 60_000 });
  const [ours, theirs] = await Promise.all([
    exec("git", ["rev-parse", "HEAD"], { cwd: ROOT }),
    exec("git", ["rev-parse", "HEAD"], { cwd: clone }),
  ]);
  expect(theirs.stdout).toBe(ours.stdout);
  gitUrl = `git+file://${clone}`;

  const readme = readmeGitInstall();
  const spec = readme.command.split(" ").at(-1) as string;
  // The README's allowScripts, with its address swapped too: npm matches a git dependency by its URL.
  const allowScripts = Object.fromEntries(Object.entries(readme.allowScripts).map(([key, value]) => [key === spec ? gitUrl : key, value]));
  expect(Object.keys(allowScripts)).toContain(gitUrl);
  project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "git-consumer", private: true, type: "module", allowScripts }, null, 2));
  // No --ignore-scripts: it would skip the git dependency's prepare, and dist/ would be missing.
  const [npm, ...args] = readme.command.replace(spec, gitUrl).split(" ");
  const t0 = performance.now();
  const result = await exec(npm as string, [...args, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: project,
    env: cleanEnv(),
    timeout: 280_000,
  });
  installOutput = result.stdout + result.stderr;
  console.info(`npm install from git (clone, devDependencies, prepare, pack, install): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(() => {
  killStarted();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm install --save-dev git+file://<clone>", () => {
  it("installs without a warning about install scripts: the README's allowScripts covers them", () => {
    expect(installOutput).not.toMatch(/allowScripts|npm warn|npm error/);
  });

  it("builds dist/ on install: every target of exports and the bin is there", () => {
    const manifest = JSON.parse(readFileSync(join(installed(), "package.json"), "utf8")) as typeof pkg;
    const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : [t.types, t.default]));
    expect(targets.filter((target) => !existsSync(join(installed(), target)))).toEqual([]);
    expect(Object.values(manifest.bin).filter((bin) => !existsSync(join(installed(), bin)))).toEqual([]);
    expect(existsSync(join(project, "node_modules", ".bin", "createchat-mock"))).toBe(true);
  });
});

describe.concurrent("the package installed from git", () => {
  it("runs its bin: the version, health, createChat, and exit 0 on a SIGTERM to its PID", async () => {
    const bin = join(project, "node_modules", ".bin", "createchat-mock");
    expect((await exec(bin, ["--version"], { cwd: project })).stdout).toBe(`${pkg.version}\n`);
    const run = startServing(bin, ["--port", "0", "--log", "silent", "--control-token", "s3cret"], { cwd: project, env: cleanEnv() });
    const url = await run.url;
    const health = await fetch(`${url}/__mock/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok", version: pkg.version }]);
    expect((await createChatCall(url, 1001, { orderId: 11001 }, "demo-all-methods")).status).toBe(200);
    // The bin is the mock's own process (node with dist/mock/cli.js, no shell between): the signal reaches it.
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("imports each entry point by name", async () => {
    writeFileSync(
      join(project, "each-entry.mjs"),
      `
import * as root from "${pkg.name}";
import { createChat, createMarketClient } from "${pkg.name}/client";
import { createMockApp } from "${pkg.name}/mock";
import { startMock } from "${pkg.name}/testing";
import * as schema from "${pkg.name}/schema";

const mock = await startMock({ quota: 1 });
try {
  const client = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  const statuses = [(await createChat(client, 1001, { orderId: 11001 })).status, (await createChat(client, 1001, { orderId: 11001 })).status];
  console.log(JSON.stringify({ root: root.createChat === createChat, mockApp: typeof createMockApp, schema: Object.keys(schema), statuses }));
} finally {
  await mock.stop();
}
`,
    );
    const { stdout } = await exec("node", ["each-entry.mjs"], { cwd: project, env: cleanEnv(), timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ root: true, mockApp: "function", schema: expect.arrayContaining(["chatContextTypeValues"]), statuses: [200, 420] });
  });

  it("typechecks against the shipped types", async () => {
    const dir = join(project, "typed");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "typed.ts"),
      `
import { createChat, createMarketClient, type CreateChatResult } from "${pkg.name}/client";
import { createMockApp, type MockOptions } from "${pkg.name}/mock";
import { createMockFetch, type MockStateSnapshot } from "${pkg.name}/testing";
import type { components } from "${pkg.name}/schema";

const options: MockOptions = { quota: 5 };
export const app = createMockApp(options);
const fetch = createMockFetch(options);
const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
export const body: components["schemas"]["CreateChatRequest"] = { context: { type: "ORDER", id: 11001 } };
export const result: Promise<CreateChatResult> = createChat(client, 1001, body);
export const state: Promise<MockStateSnapshot> = fetch.control.state();
// @ts-expect-error: the contract's context types are ORDER and RETURN only
export const wrong: components["schemas"]["ChatContextType"] = "PARCEL";
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: [], strict: true, skipLibCheck: true, noEmit: true },
        files: ["typed.ts"],
      }),
    );
    const result = await exec(TSC, ["-p", "tsconfig.json"], { cwd: dir, timeout: 60_000 }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe("");
  });

  it("passes the Python example suite, which starts it through npx", async () => {
    const result = await exec("python3", ["-B", "-m", "unittest", "discover", "-s", join(ROOT, "examples", "python"), "-v"], {
      cwd: project,
      env: cleanEnv(),
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the Python suite failed:\n${error.stdout ?? ""}${error.stderr ?? String(error)}`);
    });
    expect(result.stderr).toMatch(/^Ran 3 tests in /m);
    expect(result.stderr).toMatch(/^OK$/m);
  });

  it("npx --no -- createchat-mock: a SIGTERM to npx's PID leaves the mock serving; one to its process group stops it", async () => {
    // detached: npx leads a process group of its own, as a job of a shell script would.
    const run = startServing("npx", ["--no", "--", "createchat-mock", "--port", "0", "--log", "silent"], { cwd: project, env: cleanEnv(), detached: true });
    const url = await run.url;
    const npxExited = new Promise((done) => run.child.once("exit", done));
    run.child.kill("SIGTERM");
    await npxExited;
    // npx is gone; the mock it started is not, and still answers.
    const health = await fetch(`${url}/__mock/health`);
    expect(health.status).toBe(200);
    process.kill(-(run.child.pid as number), "SIGTERM");
    // 'close' comes once every holder of npx's pipes has exited: the mock, which inherited them.
    await run.exited;
    expect(run.stderr()).toMatch(/^SIGTERM: closing; /m);
    await expect(fetch(`${url}/__mock/health`)).rejects.toThrow();
  });
});
