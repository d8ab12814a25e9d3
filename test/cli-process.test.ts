/**
 * The real `npm start` command (tsx mock/cli.ts) as a child process: what it prints, how it
 * exits, and that it serves over a real socket. Spawning tsx costs about a second, so cases that
 * can share a process do, and independent processes start together.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureOutput, cliEnvironment, ROOT, type Exit } from "./support/cli-child.js";
import { expectConformsToContract } from "./support/conformance.js";

const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const WAIT_MS = 10_000;
const BANNER = /^createChat mock listening on (http:\/\/127\.0\.0\.1:(\d+)) \(docs: \S+\/docs, health: \S+\/__mock\/health\)$/;

interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process exits. */
  exited: Promise<Exit>;
  /** Resolves with stdout once `predicate(stdout)` holds; rejects on exit or after WAIT_MS. */
  waitForStdout(predicate: (text: string) => boolean): Promise<string>;
  /** The same for stderr. */
  waitForStderr(predicate: (text: string) => boolean): Promise<string>;
}

const children: ChildProcess[] = [];

function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  // Its own process group: tsx starts node as a grandchild, and the cleanup must reach both.
  const child = spawn(TSX, ["mock/cli.ts", ...args], { cwd: ROOT, env: cliEnvironment(env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const { stdout, stderr, exited } = captureOutput(child);

  const waitFor = (stream: "stdout" | "stderr", predicate: (text: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const text = stream === "stdout" ? stdout : stderr;
      const check = () => {
        if (!predicate(text())) return;
        done();
        resolve(text());
      };
      const onExit = () => {
        done();
        reject(new Error(`cli exited before the expected ${stream}; stdout: ${JSON.stringify(stdout())}, stderr: ${JSON.stringify(stderr())}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${WAIT_MS} ms; stdout: ${JSON.stringify(stdout())}, stderr: ${JSON.stringify(stderr())}`));
      }, WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        child[stream]?.off("data", check);
        child.off("close", onExit);
      };
      child[stream]?.on("data", check);
      child.once("close", onExit);
      check();
    });

  return {
    child,
    stdout,
    stderr,
    exited,
    waitForStdout: (predicate) => waitFor("stdout", predicate),
    waitForStderr: (predicate) => waitFor("stderr", predicate),
  };
}

/** Runs the CLI to its end (bounded by WAIT_MS) and returns what it printed. */
async function runToExit(args: string[], env: Record<string, string> = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const run = runCli(args, env);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cli ${args.join(" ")} did not exit within ${WAIT_MS} ms`)), WAIT_MS);
  });
  try {
    const exit = await Promise.race([run.exited, timeout]);
    return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the banner and returns the base URL it names. */
async function listeningUrl(run: CliRun): Promise<string> {
  const out = await run.waitForStdout((text) => text.includes("\n"));
  const match = BANNER.exec(out.split("\n")[0] ?? "");
  if (match === null) throw new Error(`unexpected first line: ${JSON.stringify(out)}`);
  return match[1] as string;
}

function createChat(baseUrl: string, token: string, businessId: number, orderId: number): Promise<Response> {
  return fetch(`${baseUrl}/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers: { "Api-Key": token, "Content-Type": "application/json" },
    body: JSON.stringify({ context: { type: "ORDER", id: orderId } }),
    signal: AbortSignal.timeout(WAIT_MS),
  });
}

/** Sends `signal` and waits (at most WAIT_MS) for the exit. */
async function stopWith(run: CliRun, signal: NodeJS.Signals): Promise<Exit> {
  run.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${WAIT_MS} ms after ${signal}`)), WAIT_MS);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exactly one non-empty line, newline-terminated. */
function expectOneLine(text: string): void {
  expect(text.endsWith("\n"), JSON.stringify(text)).toBe(true);
  expect(text.slice(0, -1), JSON.stringify(text)).not.toMatch(/\n/);
  expect(text.trim()).not.toBe("");
}

const tempDir = mkdtempSync(join(tmpdir(), "cli-process-"));

afterAll(() => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }
  rmSync(tempDir, { recursive: true, force: true });
});

describe("serving: --port 0 --log json --control-token", () => {
  const CONTROL_TOKEN = "ctl-secret-token-7f3a";
  const BAD_API_KEY = "leaky-api-key-91c2";
  let run: CliRun;
  let baseUrl: string;

  beforeAll(async () => {
    run = runCli(["--port", "0", "--log", "json", "--control-token", CONTROL_TOKEN]);
    baseUrl = await listeningUrl(run);
  });

  it("prints one line with the real port it listens on", () => {
    const [banner] = run.stdout().split("\n");
    const port = Number(BANNER.exec(banner ?? "")?.[2]);
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThanOrEqual(65_535);
    expect(run.stderr()).toBe("");
  });

  it("answers a real createChat request over the socket, with the rate-limit headers", async () => {
    const res = await createChat(baseUrl, "demo-all-methods", 1001, 11001);
    expect(res.status).toBe(200);
    // Body and headers as the contract declares them (the Until date's format included).
    expect(await expectConformsToContract(res)).toMatchObject({ status: "OK", result: { chatId: expect.any(Number) } });
    expect(res.headers.get("X-RateLimit-Resource-Limit")).toBe("1000");
    expect(res.headers.get("X-RateLimit-Resource-Remaining")).toBe("999");
  });

  it("logs one JSON line per request, without any token", async () => {
    const rejected = await createChat(baseUrl, BAD_API_KEY, 1001, 11001);
    expect(rejected.status).toBe(403);
    // The banner, the 200 of the previous test, then this 403.
    const out = await run.waitForStdout((text) => text.split("\n").length >= 4);
    const [, ...logLines] = out.trimEnd().split("\n");
    expect(logLines).toHaveLength(2);
    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/v2/businesses/1001/chats/new", 200],
      ["POST", "/v2/businesses/1001/chats/new", 403],
    ]);
    expect(out).not.toContain("demo-all-methods");
    expect(out).not.toContain(BAD_API_KEY);
    expect(out).not.toContain(CONTROL_TOKEN);
  });

  it("ends with exit code 0 on SIGTERM", async () => {
    expect(await stopWith(run, "SIGTERM")).toEqual({ code: 0, signal: null });
  });
});

describe("--fixtures with a custom YAML file", () => {
  let run: CliRun;
  let baseUrl: string;

  beforeAll(async () => {
    const file = join(tempDir, "custom.yaml");
    writeFileSync(
      file,
      [
        "tokens:",
        "  - token: custom-token",
        "    scopes: [communication]",
        "    businesses: [7001]",
        "businesses:",
        "  - id: 7001",
        "    model: FBY",
        "    orders: [700001]",
        "",
      ].join("\n"),
    );
    run = runCli(["--port", "0", "--log", "silent", "--fixtures", file]);
    baseUrl = await listeningUrl(run);
  });

  it("serves that data instead of the demo set", async () => {
    const res = await createChat(baseUrl, "custom-token", 7001, 700001);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("OK");
    // The demo token is not in the custom file, so it is unknown now.
    const demo = await createChat(baseUrl, "demo-all-methods", 1001, 11001);
    expect(demo.status).toBe(403);
    expect(((await demo.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("INVALID_TOKEN");
    // --log silent: the banner is still the one line printed.
    expect(run.stdout().trimEnd().split("\n")).toHaveLength(1);
  });

  it("ends with exit code 0 on SIGINT (Ctrl-C)", async () => {
    expect(await stopWith(run, "SIGINT")).toEqual({ code: 0, signal: null });
  });
});

describe("settings from the environment, the control token from a file", () => {
  const TOKEN = "file-token-5d1e";
  let run: CliRun;
  let baseUrl: string;

  beforeAll(async () => {
    const tokenFile = join(tempDir, "control-token");
    writeFileSync(tokenFile, `${TOKEN}\n`);
    chmodSync(tokenFile, 0o600);
    run = runCli(["--port", "0"], {
      // Overridden by the command line's --port 0 (checked below).
      CREATECHAT_MOCK_PORT: "1",
      CREATECHAT_MOCK_QUOTA: "5",
      CREATECHAT_MOCK_LOG: "silent",
      CREATECHAT_MOCK_CONTROL_TOKEN_FILE: tokenFile,
    });
    baseUrl = await listeningUrl(run);
  });

  it("listens where the command line says, not the variable", () => {
    expect(new URL(baseUrl).port).not.toBe("1");
  });

  it("takes the quota and the log format from their variables", async () => {
    const res = await createChat(baseUrl, "demo-all-methods", 1001, 11001);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-RateLimit-Resource-Limit")).toBe("5");
    expect(res.headers.get("X-RateLimit-Resource-Remaining")).toBe("4");
    // silent: the banner is the one line on stdout.
    expect(run.stdout().trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr()).toBe("");
  });

  it("locks the control API with the file's token, its final newline dropped", async () => {
    const state = (authorization?: string) =>
      fetch(`${baseUrl}/__mock/state`, { headers: authorization === undefined ? {} : { Authorization: authorization }, signal: AbortSignal.timeout(WAIT_MS) });
    expect((await state()).status).toBe(401);
    expect((await state(`Bearer ${TOKEN}x`)).status).toBe(401);
    const answered = await state(`Bearer ${TOKEN}`);
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { quota: { limit: number } }).quota.limit).toBe(5);
  });

  it("ends with exit code 0 on SIGTERM", async () => {
    expect(await stopWith(run, "SIGTERM")).toEqual({ code: 0, signal: null });
  });
});

describe("--host other than loopback, without a control token", () => {
  let run: CliRun;

  beforeAll(() => {
    run = runCli(["--host", "0.0.0.0", "--port", "0", "--log", "silent"]);
  });

  it("warns in one line on stderr, and serves", async () => {
    const stderr = await run.waitForStderr((text) => text.includes("\n"));
    expectOneLine(stderr);
    expect(stderr).toBe(
      "warning: --host 0.0.0.0 serves other machines, but without a control token the control API (/__mock) answers this one only; " +
        "give --control-token or --control-token-file to drive it from elsewhere\n",
    );
    const out = await run.waitForStdout((text) => text.includes("\n"));
    const port = /^createChat mock listening on http:\/\/0\.0\.0\.0:(\d+) \(docs: [^)]*\)\n$/.exec(out)?.[1];
    expect(port, out).toBeDefined();
    expect((await createChat(`http://127.0.0.1:${port}`, "demo-all-methods", 1001, 11001)).status).toBe(200);
  });

  it("ends with exit code 0 on SIGTERM", async () => {
    expect(await stopWith(run, "SIGTERM")).toEqual({ code: 0, signal: null });
  });
});

describe("commands that end by themselves", () => {
  it("--help prints the usage with every option and exits 0; --version prints the package version", async () => {
    const [help, version] = await Promise.all([runToExit(["--help"]), runToExit(["--version"])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: createchat-mock \[options\]\n/);
    const settings = ["port", "host", "quota", "window", "parallel-limit", "latency", "fixtures", "log", "journal-size", "control-token", "control-token-file", "max-chats", "shutdown-grace", "request-timeout"];
    for (const name of settings) {
      expect(help.stdout).toMatch(new RegExp(`^  --${name} <`, "m"));
      expect(help.stdout).toMatch(new RegExp(`^ +env: CREATECHAT_MOCK_${name.toUpperCase().replaceAll("-", "_")}$`, "m"));
    }
    expect(help.stdout).toMatch(/^ {2}-h, --help /m);
    expect(help.stdout).toMatch(/^ {2}--version /m);
    expect(help.stderr).toBe("");

    expect(version.code).toBe(0);
    expect(version.stdout).toBe("0.1.0\n");
    expect(version.stderr).toBe("");
  });

  it("refuses bad input with exit code 2, one line on stderr, and nothing served", async () => {
    const badModel = join(tempDir, "bad-model.yaml");
    writeFileSync(badModel, "tokens:\n  - token: t\n    scopes: [communication]\n    businesses: [1]\nbusinesses:\n  - id: 1\n    model: XYZ\n");
    const missing = join(tempDir, "missing.yaml");

    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const takenPort = (taken.address() as { port: number }).port;

    try {
      const emptyToken = join(tempDir, "empty-token");
      writeFileSync(emptyToken, "\n");
      const cases: Array<[string[], string, Record<string, string>?]> = [
        [["--window", "2x"], 'error: --window "2x": expected a duration like 90s, 15m or 1h'],
        [[], 'error: CREATECHAT_MOCK_WINDOW "2x": expected a duration like 90s, 15m or 1h', { CREATECHAT_MOCK_WINDOW: "2x" }],
        [["--control-token-file", emptyToken], `error: --control-token-file ${emptyToken}: file is empty`],
        [["--latency", "200-50"], `error: --latency "200-50": the range's minimum 200 is above its maximum 50`],
        [["--verbose"], "error: --verbose: unknown option (see --help)"],
        [["--fixtures", badModel], `error: --fixtures ${badModel}: /businesses/0/model must be one of FBS, FBY, DBS, EXPRESS`],
        [["--fixtures", missing], `error: --fixtures ${missing}: cannot read file: no such file`],
        [
          ["--port", String(takenPort)],
          `error: cannot listen on 127.0.0.1:${takenPort}: address already in use (EADDRINUSE); choose another --port, or --port 0 for a free one`,
        ],
      ];
      const results = await Promise.all(cases.map(([args, , env]) => runToExit(args, env)));
      results.forEach((result, i) => {
        const [args, line] = cases[i] as [string[], string, Record<string, string>?];
        expect(result.code, args.join(" ")).toBe(2);
        expectOneLine(result.stderr);
        expect(result.stderr).toBe(`${line}\n`);
        expect(result.stdout, args.join(" ")).toBe("");
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
