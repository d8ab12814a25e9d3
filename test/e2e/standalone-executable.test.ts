/**
 * The standalone executable as a user of another language gets it: `npm run build:binary` (once
 * for the file), the one file copied alone into an empty directory, started there with a fixtures
 * file, no Node on PATH and no node_modules anywhere above it, then createChat, a 420, /docs and
 * /__mock/health against it; and the Python example suite run against it with the machine's python3.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitWithin } from "../support/cli-child.js";
import { cleanEnv, createChatCall, killStarted, startServing, type Started } from "../support/serving.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const exec = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const SWAGGER_UI = dirname(createRequire(join(ROOT, "package.json")).resolve("swagger-ui-dist/package.json"));
const NAME = process.platform === "win32" ? "createchat-mock.exe" : "createchat-mock";

/** A team's own data: one token, one business; the demo data is then unknown. */
const FIXTURES = `tokens:
  - token: python-team-token
    scopes: [communication]
    businesses: [7]
businesses:
  - id: 7
    model: FBS
    orders: [70001, 70002]
`;

let work: string;
let built: string;
let alone: string;
let buildMs: number;

/** Started in `alone`, with an empty directory for PATH (no node to find) and a temporary directory of the test's. */
function startAlone(args: string[], tmp: string): Started {
  mkdirSync(tmp, { recursive: true });
  const env = { PATH: join(work, "empty-bin"), TMPDIR: tmp };
  return startServing(join(alone, NAME), args, { cwd: alone, env });
}

async function stop(run: Started): Promise<number | null> {
  run.child.kill("SIGTERM");
  return (await exitWithin(run, 10_000)).code;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "createchat-binary-e2e-"));
  mkdirSync(join(work, "empty-bin"));
  built = join(work, "build", NAME);
  const started = performance.now();
  await exec("npm", ["run", "build:binary", "--", "--out", built], { cwd: ROOT, env: cleanEnv(), timeout: 240_000 });
  buildMs = performance.now() - started;
  alone = join(work, "alone");
  mkdirSync(alone);
  copyFileSync(built, join(alone, NAME));
  // copyFileSync keeps the mode on POSIX; said here for the reader: it must stay executable.
  expect(statSync(join(alone, NAME)).mode & 0o111).not.toBe(0);
  writeFileSync(join(alone, "fixtures.yaml"), FIXTURES);
}, 300_000);

afterAll(() => {
  killStarted();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm run build:binary", () => {
  it("writes one executable file", () => {
    const size = statSync(built).size;
    console.info(`executable: ${(size / 1024 / 1024).toFixed(1)} MiB, built in ${(buildMs / 1000).toFixed(1)} s`);
    expect(statSync(built).isFile()).toBe(true);
    // Node itself is most of it; far less would mean no Node inside.
    expect(size).toBeGreaterThan(40 * 1024 * 1024);
  });
});

describe("the executable alone in an empty directory", () => {
  it("holds nothing but the executable and the fixtures file", () => {
    expect(readdirSync(alone).sort()).toEqual([NAME, "fixtures.yaml"].sort());
  });

  it("serves createChat from the fixtures file, a 420 past the quota, /docs and /__mock/health", async () => {
    const t0 = performance.now();
    const run = startAlone(["--fixtures", "fixtures.yaml", "--port", "0", "--quota", "1", "--log", "silent"], join(work, "tmp-serve"));
    const url = await run.url;
    console.info(`executable: listening ${Math.round(performance.now() - t0)} ms after spawn`);

    const chat = await createChatCall(url, 7, { orderId: 70001 }, "python-team-token");
    expect([chat.status, chat.body]).toEqual([200, { status: "OK", result: { chatId: 1 } }]);
    expect(chat.headers.get("x-ratelimit-resource-remaining")).toBe("0");
    // The fixtures file replaced the demo data: its token is unknown here.
    const demo = await createChatCall(url, 1001, { orderId: 11001 }, "demo-all-methods");
    expect([demo.status, (demo.body as { errors: Array<{ code: string }> }).errors[0]?.code]).toEqual([403, "INVALID_TOKEN"]);
    const spent = await createChatCall(url, 7, { orderId: 70002 }, "python-team-token");
    expect([spent.status, (spent.body as { errors: Array<{ code: string }> }).errors[0]?.code]).toEqual([420, "LIMIT_EXCEEDED"]);

    const health = await fetch(`${url}/__mock/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok", version: VERSION }]);

    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await docs.text();
    const assets = [...page.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    // Every file the page loads comes out of the executable as swagger-ui-dist ships it; so does the map the CSS names.
    for (const asset of [...assets, "/docs/assets/swagger-ui.css.map"]) {
      const response = await fetch(`${url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(SWAGGER_UI, asset.replace("/docs/assets/", ""))))).toBe(true);
    }
    const contract = await fetch(`${url}/openapi.yaml`);
    expect(await contract.text()).toBe(readFileSync(join(ROOT, "openapi.yaml"), "utf8"));

    expect(await stop(run)).toBe(0);
    expect(run.stderr()).toMatch(/^SIGTERM: closing; /);
  });

  it("prints its version, and refuses a bad option with exit code 2 as the CLI does", async () => {
    const env = { PATH: join(work, "empty-bin"), TMPDIR: join(work, "tmp-cli") };
    mkdirSync(env.TMPDIR, { recursive: true });
    const version = await exec(join(alone, NAME), ["--version"], { cwd: alone, env });
    expect(version.stdout).toBe(`${VERSION}\n`);
    const refused = await exec(join(alone, NAME), ["--window", "2x"], { cwd: alone, env }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect([refused.code, refused.stderr]).toEqual([2, 'error: --window "2x": expected a duration like 90s, 15m or 1h\n']);
  });

  it("writes its files once under TMPDIR, named by their content, and writes a changed one again", async () => {
    const tmp = join(work, "tmp-cache");
    const first = startAlone(["--port", "0", "--log", "silent"], tmp);
    await first.url;
    expect(await stop(first)).toBe(0);
    const folders = readdirSync(tmp);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(new RegExp(`^createchat-mock-${VERSION.replaceAll(".", "\\.")}-[0-9a-f]{16}$`));
    const css = join(tmp, folders[0] as string, "node_modules", "swagger-ui-dist", "swagger-ui.css");
    const written = statSync(css);

    const second = startAlone(["--port", "0", "--log", "silent"], tmp);
    await second.url;
    expect(await stop(second)).toBe(0);
    const again = statSync(css);
    expect([again.ino, again.mtimeMs]).toEqual([written.ino, written.mtimeMs]);

    writeFileSync(css, "body { display: none }\n");
    const third = startAlone(["--port", "0", "--log", "silent"], tmp);
    const url = await third.url;
    const served = await fetch(`${url}/docs/assets/swagger-ui.css`);
    expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(join(SWAGGER_UI, "swagger-ui.css")))).toBe(true);
    expect(await stop(third)).toBe(0);
    expect(readdirSync(tmp)).toEqual(folders);
  });
});

describe("the Python example suite (examples/python), with the machine's python3", () => {
  it("starts the executable, and passes: a chat, a 403 and a 420", async () => {
    const tmp = join(work, "tmp-python");
    mkdirSync(tmp);
    const result = await exec("python3", ["-B", "-m", "unittest", "discover", "-s", join(ROOT, "examples", "python"), "-v"], {
      cwd: alone,
      env: { ...cleanEnv(), MOCK_EXECUTABLE: join(alone, NAME), TMPDIR: tmp },
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the Python suite failed:\n${error.stdout ?? ""}${error.stderr ?? String(error)}`);
    });
    // unittest reports on stderr.
    expect(result.stderr).toMatch(/^Ran 3 tests in /m);
    expect(result.stderr).toMatch(/^OK$/m);
    for (const name of ["test_opens_a_chat", "test_refuses_an_unknown_token_with_403", "test_answers_420_once_the_quota_is_spent"]) {
      expect(result.stderr).toMatch(new RegExp(`^${name} .* \\.\\.\\. ok$`, "m"));
    }
  });
});
