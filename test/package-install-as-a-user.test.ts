/**
 * The package as a user gets it: `npm pack` (whose `prepare` removes dist/ and builds afresh), then
 * `npm install <tarball>` into a project of its own outside this repository (its imports cannot
 * reach these sources). There it imports the client and the testing helpers by the package's name,
 * starts the mock through the `createchat-mock` bin (also with the shipped demo fixtures),
 * typechecks against the shipped `.d.ts`, and runs the CI recipe's steps. A second project, made
 * by `npm init -y` (CommonJS), loads every entry point with `require()`.
 *
 * Takes a few seconds: a pack (with its build) and an install from npm's cache (the registry is
 * only asked for what the cache lacks).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "./support/free-port.js";

const ROOT = resolve(import.meta.dirname, "..");
const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: Array<{ path: string; size: number }>;
}

const BANNER = /createChat mock listening on (http:\/\/127\.0\.0\.1:\d+)/;
/** Build output whose source is gone, planted in dist/ before packing: `prepare` must clear it. */
const STALE = "dist/mock/left-by-a-deleted-source.js";
/** The one file of examples/ the package ships, for users to copy. */
const FIXTURES = "examples/fixtures.demo.yaml";
const WAIT_MS = 15_000;

let work: string;
let project: string;
let packed: PackResult;
const children: ChildProcess[] = [];

/** npm without the variables of the npm script vitest may run under (they would point npm at this repo). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|VITEST|MOCK_URL$)/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

/** A background command in a process group of its own, so the cleanup reaches whatever it started. */
function spawnGroup(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv()) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once("close", (code) => done(code)));
  return { child, output: () => output, exited };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitFor(text: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpExecArray> {
  const deadline = Date.now() + WAIT_MS;
  let ended = false;
  void exited.then(() => (ended = true));
  for (;;) {
    const match = pattern.exec(text());
    if (match) return match;
    if (ended || Date.now() > deadline) throw new Error(`no ${pattern} in time; output:\n${text()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "createchat-pack-"));
  mkdirSync(join(ROOT, "dist", "mock"), { recursive: true });
  writeFileSync(join(ROOT, STALE), "export {};\n");
  // No `npm run build` first: `prepare` removes dist/ and builds.
  const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    env: npmEnv(),
    timeout: 180_000,
  });
  [packed] = JSON.parse(stdout) as [PackResult];
  console.info(
    `npm pack: ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB packed, ` +
      `${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );

  project = join(work, "consumer");
  await exec("mkdir", ["-p", project]);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", scripts: { test: "node consumer-test.mjs" } }, null, 2),
  );
  // --ignore-scripts: no dependency's install script runs (swagger-ui-dist's telemetry one would call out).
  await exec(
    "npm",
    ["install", join(work, packed.filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    { cwd: project, env: npmEnv(), timeout: 120_000 },
  );
}, 240_000);

afterAll(() => {
  for (const child of children) killGroup(child);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("ships the build, the contract, the generated types and the demo fixtures, and nothing else", () => {
    const paths = packed.files.map((f) => f.path);
    const outside = paths.filter(
      (p) =>
        p !== FIXTURES &&
        !/^(dist\/(client|mock|testing|generated)\/([\w.-]+\/)*[\w.-]+\.(js|d\.ts)|generated\/[\w.-]+\.(ts|md)|openapi\.yaml|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(p),
    );
    expect(outside).toEqual([]);
    expect(paths).toContain(FIXTURES);
    expect(paths.filter((p) => p !== FIXTURES && /(^|\/)(test|bench|scripts|examples|\.ci|\.github|docs-internal)\/|\.test\.|\.bench\./.test(p))).toEqual([]);
    expect(packed.entryCount).toBe(paths.length);
  });

  it("ships the licence and the changelog", () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain("LICENSE");
    expect(paths).toContain("CHANGELOG.md");
  });

  it("leaves no tarball in the checkout: it is written to a temporary directory", () => {
    expect(readdirSync(ROOT).filter((name) => name.endsWith(".tgz"))).toEqual([]);
    expect(readdirSync(work)).toContain(packed.filename);
  });

  it("packs a fresh build: prepare removed what an earlier build left in dist/", () => {
    expect(packed.files.map((f) => f.path)).not.toContain(STALE);
    expect(() => readFileSync(join(ROOT, STALE)), `${STALE} is still in dist/`).toThrow();
  });

  it("ships a .js and a .d.ts for every source file, and no stale build output", () => {
    const built = packed.files.map((f) => f.path).filter((p) => p.startsWith("dist/"));
    const sources = new Set(built.map((p) => p.replace(/^dist\//, "").replace(/\.(d\.ts|js)$/, ".ts")));
    for (const source of sources) {
      // A dist file whose source is gone was left by an earlier build (`rm -rf dist` and build again).
      expect(() => readFileSync(join(ROOT, source)), `dist/ has ${source} compiled, but the source is gone`).not.toThrow();
      expect(built).toContain(`dist/${source.replace(/\.ts$/, ".js")}`);
      expect(built).toContain(`dist/${source.replace(/\.ts$/, ".d.ts")}`);
    }
  });

  it("ships every target of `exports` and the bin", () => {
    const paths = new Set(packed.files.map((f) => f.path));
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : [t.types, t.default]));
    for (const target of [...targets, ...Object.values(pkg.bin)]) {
      expect(paths, target).toContain(target.replace(/^\.\//, ""));
    }
  });
});

// Independent of each other (each writes its own files in the project), so they run side by side.
describe.concurrent("installed into a project of its own", () => {
  it("is imported by name, serves through its bin, and answers one createChat call", async () => {
    const bin = spawnGroup(join(project, "node_modules", ".bin", "createchat-mock"), ["--port", "0", "--log", "silent"], project);
    const [, url] = await waitFor(bin.output, BANNER, bin.exited);
    writeFileSync(
      join(project, "consumer.mjs"),
      `
import { createChat, createMarketClient, createRetry, RateLimitError } from "${pkg.name}/client";
import * as root from "${pkg.name}";
import { createMockControl, createMockFetch, startMock } from "${pkg.name}/testing";
import { createMockApp } from "${pkg.name}/mock";
import { createRequire } from "node:module";

const out = {};
const client = createMarketClient({ baseUrl: process.env.MOCK_URL, apiKey: "demo-all-methods" });
client.use(createRetry());
const viaBin = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
out.bin = { ok: viaBin.ok, chatId: viaBin.chatId, remaining: viaBin.rateLimit.remaining };
out.journal = (await createMockControl({ baseUrl: process.env.MOCK_URL }).requests()).map((r) => r.status);

const mock = await startMock({ quota: 1 });
try {
  const c = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  await createChat(c, 1001, { orderId: 11001 });
  out.startMock = (await createChat(c, 1001, { orderId: 11001 })).status;
} finally {
  await mock.stop();
}
const fetch = createMockFetch();
const inProcess = await createChat(createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch }), 1002, { context: { type: "ORDER", id: 21001 } });
out.mockFetch = inProcess.ok;
out.rootIsClient = root.createChat === createChat && typeof RateLimitError === "function";
out.mockApp = typeof createMockApp;
out.contract = createRequire(import.meta.url).resolve("${pkg.name}/openapi.yaml").endsWith("openapi.yaml");
console.log(JSON.stringify(out));
`,
    );
    try {
      const { stdout } = await exec("node", ["consumer.mjs"], { cwd: project, env: { ...npmEnv(), MOCK_URL: url }, timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual({
        bin: { ok: true, chatId: 1, remaining: 999 },
        journal: [200],
        startMock: 420,
        mockFetch: true,
        rootIsClient: true,
        mockApp: "function",
        contract: true,
      });
      // The build's request validators (compiled to code at build time) and the exact reading of
      // large ids (lossless-json, a dependency the install brought): 2^63 is refused, 2^63 - 1 is not.
      const largeId = async (digits: string) => {
        const response = await fetch(`${url}/v2/businesses/1001/chats/new`, {
          method: "POST",
          headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
          body: `{"context":{"type":"ORDER","id":${digits}}}`,
        });
        return [response.status, ((await response.json()) as { errors: Array<{ message: string }> }).errors[0]?.message];
      };
      expect(await largeId("9223372036854775808")).toEqual([400, "/context/id 9223372036854775808 is beyond the int64 range"]);
      expect(await largeId("9223372036854775807")).toEqual([404, "Order 9223372036854775807 not found in business 1001 (/context/id)"]);
    } finally {
      killGroup(bin.child);
    }
  });

  it("ships the demo fixtures, which its bin loads as a user's copy of them", async () => {
    const shipped = join(project, "node_modules", pkg.name, FIXTURES);
    expect(readFileSync(shipped, "utf8")).toBe(readFileSync(join(ROOT, FIXTURES), "utf8"));
    writeFileSync(join(project, "my-fixtures.yaml"), readFileSync(shipped));
    const bin = spawnGroup(
      join(project, "node_modules", ".bin", "createchat-mock"),
      ["--port", "0", "--log", "silent", "--fixtures", "my-fixtures.yaml"],
      project,
    );
    try {
      const [, url] = await waitFor(bin.output, BANNER, bin.exited);
      const response = await fetch(`${url}/v2/businesses/1001/chats/new`, {
        method: "POST",
        headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
        body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
      });
      expect(response.status).toBe(200);
    } finally {
      killGroup(bin.child);
    }
  });

  it("typechecks against the shipped .d.ts files", async () => {
    writeFileSync(
      join(project, "typed.ts"),
      `
import { createChat, createMarketClient, createRateLimitGuard, RateLimitError, type CreateChatResult } from "${pkg.name}/client";
import { createMockFetch, type MockStateSnapshot, type StartedMock } from "${pkg.name}/testing";
import type { components, operations, paths } from "${pkg.name}/schema";

const fetch = createMockFetch({ quota: 5 });
const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
client.use(createRateLimitGuard());
export const result: Promise<CreateChatResult> = createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
export const state: Promise<MockStateSnapshot> = fetch.control.state();
export const until = (e: RateLimitError): Date => e.until;
export type Started = StartedMock["url"];
// @ts-expect-error: the contract's context types are ORDER and RETURN only
createChat(client, 1001, { context: { type: "PARCEL", id: 1 } });
// The generated contract types, from their own entry point.
export const request: components["schemas"]["CreateChatRequest"] = { context: { type: "RETURN", id: 32001 } };
export type Path = keyof paths;
export const path: Path = "/v2/businesses/{businessId}/chats/new";
export type Ok = operations["createChat"]["responses"][200]["content"]["application/json"];
export const ok: Ok = { status: "OK", result: { chatId: 1 } };
// @ts-expect-error: chatId is an int64 number, not a string
export const wrong: Ok = { status: "OK", result: { chatId: "1" } };
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        files: ["typed.ts"],
      }),
    );
    const result = await exec(TSC, ["-p", "tsconfig.json"], { cwd: project, timeout: 60_000 }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe("");
  });

  it("runs the CI recipe's steps: start the mock through npx, wait for it, run the tests", async () => {
    const recipe = parse(readFileSync(join(ROOT, "examples", "ci", "github-actions.yml"), "utf8")) as {
      jobs: Record<string, { env: Record<string, string>; steps: Array<{ run?: string }> }>;
    };
    const [job] = Object.values(recipe.jobs);
    if (job === undefined) throw new Error("the recipe has no job");
    const port = String(await freePort());
    const onPort = (text: string) => text.replaceAll("4010", port);
    const env = { ...npmEnv(), ...Object.fromEntries(Object.entries(job.env).map(([k, v]) => [k, onPort(v)])) };
    const startStep = job.steps.find((s) => s.run?.includes("createchat-mock"))?.run;
    const testStep = job.steps.find((s) => s.run?.trim() === "npm test")?.run;
    if (startStep === undefined || testStep === undefined) throw new Error("the recipe lacks its start or test step");

    writeFileSync(
      join(project, "consumer-test.mjs"),
      `
import assert from "node:assert/strict";
import { createChat, createMarketClient } from "${pkg.name}/client";
const client = createMarketClient({ baseUrl: process.env.MOCK_URL, apiKey: "demo-all-methods" });
const result = await createChat(client, 1003, { context: { type: "RETURN", id: 32001 } });
assert.equal(result.ok, true);
console.log("consumer test passed against", process.env.MOCK_URL);
`,
    );
    // GitHub runs each step with bash -e; the background mock outlives its step, as on a runner.
    const start = spawnGroup("bash", ["-e", "-c", onPort(startStep)], project, env);
    try {
      expect(await start.exited, start.output()).toBe(0);
      const { stdout } = await exec("bash", ["-e", "-c", testStep], { cwd: project, env, timeout: 30_000 });
      expect(stdout).toContain(`consumer test passed against http://127.0.0.1:${port}`);
      const journal = (await (await fetch(`http://127.0.0.1:${port}/__mock/requests`)).json()) as { requests: Array<{ businessId: number }> };
      expect(journal.requests.map((r) => r.businessId)).toEqual([1003]);
      // The recipe's --log json went to mock.log: one JSON line for the request.
      const log = readFileSync(join(project, "mock.log"), "utf8").trim().split("\n");
      expect(log.some((line) => line.startsWith("{") && (JSON.parse(line) as { businessId?: number }).businessId === 1003)).toBe(true);
    } finally {
      killGroup(start.child);
    }
  });
});

// `npm init -y` makes a CommonJS project: the package is ESM only, and Node >= 20.19 loads it from require().
describe("installed into a CommonJS project made by npm init -y", () => {
  let cjs: string;

  beforeAll(async () => {
    cjs = join(work, "cjs-consumer");
    mkdirSync(cjs);
    await exec("npm", ["init", "-y"], { cwd: cjs, env: npmEnv(), timeout: 30_000 });
    await exec("npm", ["install", join(work, packed.filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: cjs,
      env: npmEnv(),
      timeout: 120_000,
    });
  }, 180_000);

  it("is a CommonJS project", () => {
    const manifest = JSON.parse(readFileSync(join(cjs, "package.json"), "utf8")) as { type?: string };
    expect(manifest.type ?? "commonjs").toBe("commonjs");
  });

  it("loads every entry point with require(), with no warning, and serves through it", async () => {
    writeFileSync(
      join(cjs, "require-each.js"),
      `
const root = require("${pkg.name}");
const client = require("${pkg.name}/client");
const mock = require("${pkg.name}/mock");
const testing = require("${pkg.name}/testing");
const schema = require("${pkg.name}/schema");

(async () => {
  const started = await testing.startMock({ quota: 1 });
  try {
    const c = client.createMarketClient({ baseUrl: started.url, apiKey: "demo-all-methods" });
    const first = await client.createChat(c, 1001, { orderId: 11001 });
    const second = await client.createChat(c, 1001, { orderId: 11001 });
    console.log(JSON.stringify({
      rootIsClient: root.createChat === client.createChat,
      mockApp: typeof mock.createMockApp,
      schema: typeof schema,
      statuses: [first.status, second.status],
    }));
  } finally {
    await started.stop();
  }
})();
`,
    );
    const { stdout, stderr } = await exec("node", ["require-each.js"], { cwd: cjs, env: npmEnv(), timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ rootIsClient: true, mockApp: "function", schema: "object", statuses: [200, 420] });
    expect(stderr).toBe("");
  });

  it("typechecks a CommonJS TypeScript file against the shipped .d.ts files (module nodenext)", async () => {
    writeFileSync(
      join(cjs, "typed.ts"),
      `
import { createChat, createMarketClient, type CreateChatResult } from "${pkg.name}/client";
import { startMock } from "${pkg.name}/testing";
import type { components } from "${pkg.name}/schema";

export const body: components["schemas"]["CreateChatRequest"] = { orderId: 11001 };
export async function run(): Promise<CreateChatResult> {
  const mock = await startMock();
  try {
    return await createChat(createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" }), 1001, body);
  } finally {
    await mock.stop();
  }
}
`,
    );
    writeFileSync(
      join(cjs, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", lib: ["ES2022", "DOM"], types: [], strict: true, skipLibCheck: true, noEmit: true },
        files: ["typed.ts"],
      }),
    );
    const result = await exec(TSC, ["-p", "tsconfig.json"], { cwd: cjs, timeout: 60_000 }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe("");
  });
});
