/**
 * `main` in this process, up to the point where it would listen: the files the options name are
 * read (the control token file, the fixtures), refusals and warnings reach stderr, and the parsed
 * options reach startMockServer under the names the table's `sets` gives them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_USAGE, main, OPTIONS, parseCliArgs, toServeOptions, usage, type Environment } from "../mock/cli/index.js";

const dir = mkdtempSync(join(tmpdir(), "cli-main-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function serveOptionsOf(argv: string[], env: Environment = {}) {
  const parsed = parseCliArgs(argv, env);
  if (!parsed.ok) throw new Error(parsed.message);
  return toServeOptions(OPTIONS, parsed, { logOutput: () => ({ line: () => undefined }) });
}

/** main's exit code and output, for commands that end before listening. */
async function run(argv: string[], env: Environment = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, env);
  return { code, stdout, stderr };
}

describe("--control-token-file", () => {
  it("reads the token, without one final newline (LF or CRLF)", async () => {
    expect((await serveOptionsOf(["--control-token-file", file("lf", "tok-lf\n")])).controlToken).toBe("tok-lf");
    expect((await serveOptionsOf(["--control-token-file", file("crlf", "tok-crlf\r\n")])).controlToken).toBe("tok-crlf");
    expect((await serveOptionsOf(["--control-token-file", file("bare", "tok-bare")])).controlToken).toBe("tok-bare");
  });

  it("from CREATECHAT_MOCK_CONTROL_TOKEN_FILE too", async () => {
    const options = await serveOptionsOf([], { CREATECHAT_MOCK_CONTROL_TOKEN_FILE: file("env", "tok-env\n") });
    expect(options.controlToken).toBe("tok-env");
  });

  it("leaves the token unset without it", async () => {
    expect(await serveOptionsOf([])).not.toHaveProperty("controlToken");
  });

  it.each([
    ["empty", "", "file is empty"],
    ["only-newline", "\n", "file is empty"],
    ["two-lines", "a\nb\n", "expected one line (the token), found several"],
  ])("refuses a file that is %s, exit 2, before serving", async (name, text, reason) => {
    const path = file(name, text);
    expect(await run(["--control-token-file", path])).toEqual({ code: EXIT_USAGE, stdout: "", stderr: `error: --control-token-file ${path}: ${reason}\n` });
  });

  it("refuses a file it cannot read", async () => {
    const missing = join(dir, "missing");
    expect((await run(["--control-token-file", missing])).stderr).toBe(`error: --control-token-file ${missing}: cannot read file: no such file\n`);
    expect((await run(["--control-token-file", dir])).stderr).toBe(`error: --control-token-file ${dir}: cannot read file: is a directory, not a file\n`);
  });

  it("names the variable when the path came from the environment", async () => {
    const path = file("empty-env", "");
    const result = await run([], { CREATECHAT_MOCK_CONTROL_TOKEN_FILE: path });
    expect(result).toEqual({ code: EXIT_USAGE, stdout: "", stderr: `error: CREATECHAT_MOCK_CONTROL_TOKEN_FILE ${path}: file is empty\n` });
  });

  it("conflicts with --control-token", async () => {
    const result = await run(["--control-token", "t", "--control-token-file", file("t", "t\n")]);
    expect(result).toEqual({ code: EXIT_USAGE, stdout: "", stderr: "error: --control-token-file conflicts with --control-token: give one of them\n" });
  });
});

describe("main before it listens", () => {
  it("--help prints the usage made from the table; --version the version", async () => {
    expect(await run(["--help"])).toEqual({ code: 0, stdout: usage(), stderr: "" });
    expect(await run(["--version"])).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("a fixtures file from the environment is refused under the variable's name", async () => {
    const result = await run([], { CREATECHAT_MOCK_FIXTURES: "missing.yaml" });
    expect(result).toEqual({ code: EXIT_USAGE, stdout: "", stderr: "error: CREATECHAT_MOCK_FIXTURES missing.yaml: cannot read file: no such file\n" });
  });

  it("prints warnings on stderr before anything else happens", async () => {
    const result = await run(["--host", "0.0.0.0", "--fixtures", "missing.yaml"], { CREATECHAT_MOCK_PROT: "1" });
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr.split("\n")).toEqual([
      "warning: CREATECHAT_MOCK_PROT is not a setting of createchat-mock (see --help); ignored",
      expect.stringMatching(/^warning: --host 0\.0\.0\.0 serves other machines, but without a control token /),
      "error: --fixtures missing.yaml: cannot read file: no such file",
      "",
    ]);
  });
});

describe("the options startMockServer gets", () => {
  it("each setting under the server option its entry sets, defaults included; unset ones left out", async () => {
    const { logger, ...rest } = await serveOptionsOf([]);
    expect(rest).toEqual({
      port: 4010,
      host: "127.0.0.1",
      fixturesMaxBytes: 8 * 1024 * 1024,
      journalCapacity: 10_000,
      journalMaxBytes: 16 * 1024 * 1024,
      maxChats: 10_000,
      maxMessagesPerChat: 1_000,
      maxMessages: 20_000,
      keepFileBytes: 65_536,
      maxKeptFileBytes: 16_777_216,
      closeGraceMs: 5_000,
      requestTimeoutMs: 30_000,
      // Used only with --store (storeUrl), which has no default.
      storePrefix: "createchat-mock",
      storeTimeoutMs: 1_000,
      storeLeaseMs: 60_000,
    });
    expect(typeof logger?.request).toBe("function");
  });

  it("given values, the fixtures file's contents and a logger that writes through the context", async () => {
    const fixtures = file("f.yaml", "tokens:\n  - token: t\n    scopes: [communication]\n    businesses: [7]\nbusinesses:\n  - id: 7\n    model: FBY\n");
    const parsed = parseCliArgs(["--parallel-limit", "4", "--latency", "5-9", "--fixtures", fixtures, "--log", "json"]);
    if (!parsed.ok) throw new Error(parsed.message);
    const lines: string[] = [];
    const options = await toServeOptions(OPTIONS, parsed, { logOutput: () => ({ line: (line) => void lines.push(line) }) });
    expect([options.parallelLimit, options.latency]).toEqual([4, { minMs: 5, maxMs: 9 }]);
    expect(options.fixtures?.businesses).toEqual([expect.objectContaining({ id: 7, model: "FBY" })]);
    options.logger?.request({ time: "2026-11-25T12:00:00.000Z", method: "POST", path: "/p", status: 200, durationMs: 1, counted: true });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ method: "POST", path: "/p", status: 200 })]);
  });
});
