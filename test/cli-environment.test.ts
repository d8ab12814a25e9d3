/**
 * Every setting from `CREATECHAT_MOCK_<NAME>`: each kind of value, the command line winning,
 * refusals naming the variable, and what is not read from the environment.
 */
import { describe, expect, it } from "vitest";
import { parseCliArgs, type CliOptions, type Environment } from "../mock/cli/index.js";

function parsed(argv: string[], env: Environment) {
  const result = parseCliArgs(argv, env);
  if (!result.ok) throw new Error(`expected ${JSON.stringify({ argv, env })} to parse, got: ${result.message}`);
  return result;
}

const options = (argv: string[], env: Environment): CliOptions => parsed(argv, env).options;

function refusal(argv: string[], env: Environment): string {
  const result = parseCliArgs(argv, env);
  if (result.ok) throw new Error(`expected ${JSON.stringify({ argv, env })} to be refused`);
  return result.message;
}

describe("a setting from its environment variable, for each kind of value", () => {
  it("integers, with their ranges", () => {
    expect(options([], { CREATECHAT_MOCK_PORT: "8080" }).port).toBe(8080);
    expect(options([], { CREATECHAT_MOCK_QUOTA: "5" }).quota).toBe(5);
    expect(options([], { CREATECHAT_MOCK_PARALLEL_LIMIT: "4" }).parallelLimit).toBe(4);
    expect(options([], { CREATECHAT_MOCK_JOURNAL_SIZE: "250" }).journalSize).toBe(250);
    expect(options([], { CREATECHAT_MOCK_MAX_CHATS: "50000" }).maxChats).toBe(50_000);
  });

  it("durations", () => {
    expect(options([], { CREATECHAT_MOCK_WINDOW: "90s" }).window).toBe(90_000);
    expect(options([], { CREATECHAT_MOCK_SHUTDOWN_GRACE: "10s" }).shutdownGrace).toBe(10_000);
    expect(options([], { CREATECHAT_MOCK_REQUEST_TIMEOUT: "5s" }).requestTimeout).toBe(5_000);
  });

  it("a latency range", () => {
    expect(options([], { CREATECHAT_MOCK_LATENCY: "50-200" }).latency).toEqual({ minMs: 50, maxMs: 200 });
  });

  it("one of a list of words", () => {
    expect(options([], { CREATECHAT_MOCK_LOG: "json" }).log).toBe("json");
  });

  it("text and paths, a value starting with - included (no `=` needed there)", () => {
    expect(options([], { CREATECHAT_MOCK_HOST: "::1" }).host).toBe("::1");
    expect(options([], { CREATECHAT_MOCK_CONTROL_TOKEN: "-s3cret" }).controlToken).toBe("-s3cret");
    expect(options([], { CREATECHAT_MOCK_CONTROL_TOKEN_FILE: "/run/secrets/t" }).controlTokenFile).toBe("/run/secrets/t");
    expect(options([], { CREATECHAT_MOCK_FIXTURES: "f.yaml" }).fixtures).toBe("f.yaml");
  });

  it("says where each given value came from, for later messages", () => {
    const result = parsed(["--port", "0"], { CREATECHAT_MOCK_FIXTURES: "f.yaml" });
    expect(result.givenBy).toEqual({ port: "--port", fixtures: "CREATECHAT_MOCK_FIXTURES" });
  });
});

describe("the command line wins over the environment", () => {
  it("for the same option", () => {
    expect(options(["--port", "9000"], { CREATECHAT_MOCK_PORT: "8080" }).port).toBe(9000);
    expect(options(["--log=silent"], { CREATECHAT_MOCK_LOG: "json" }).log).toBe("silent");
  });

  it("without reading the variable it overrides, so a bad one there does no harm", () => {
    expect(options(["--window", "1h"], { CREATECHAT_MOCK_WINDOW: "2x" }).window).toBe(3_600_000);
  });

  it("the variables still set what the command line leaves out", () => {
    const got = options(["--port", "0"], { CREATECHAT_MOCK_PORT: "1", CREATECHAT_MOCK_QUOTA: "7" });
    expect([got.port, got.quota]).toEqual([0, 7]);
  });

  it("for alternatives: the token file on the command line overrides a token variable, and the other way round", () => {
    const file = options(["--control-token-file", "/t"], { CREATECHAT_MOCK_CONTROL_TOKEN: "env-token" });
    expect([file.controlTokenFile, file.controlToken]).toEqual(["/t", undefined]);
    const token = options(["--control-token", "cli-token"], { CREATECHAT_MOCK_CONTROL_TOKEN_FILE: "/t" });
    expect([token.controlToken, token.controlTokenFile]).toEqual(["cli-token", undefined]);
  });

  it("two alternatives both from the environment are refused, naming both variables", () => {
    expect(refusal([], { CREATECHAT_MOCK_CONTROL_TOKEN: "a", CREATECHAT_MOCK_CONTROL_TOKEN_FILE: "/t" })).toBe(
      "CREATECHAT_MOCK_CONTROL_TOKEN_FILE conflicts with CREATECHAT_MOCK_CONTROL_TOKEN: give one of them",
    );
  });
});

describe("a bad variable is refused under its own name", () => {
  it.each([
    [{ CREATECHAT_MOCK_PORT: "http" }, 'CREATECHAT_MOCK_PORT "http": expected an integer from 0 to 65535'],
    [{ CREATECHAT_MOCK_PARALLEL_LIMIT: "0" }, 'CREATECHAT_MOCK_PARALLEL_LIMIT "0": expected an integer >= 1'],
    [{ CREATECHAT_MOCK_WINDOW: "2x" }, 'CREATECHAT_MOCK_WINDOW "2x": expected a duration like 90s, 15m or 1h'],
    [{ CREATECHAT_MOCK_LATENCY: "200-50" }, `CREATECHAT_MOCK_LATENCY "200-50": the range's minimum 200 is above its maximum 50`],
    [{ CREATECHAT_MOCK_LOG: "loud" }, 'CREATECHAT_MOCK_LOG "loud": expected one of pretty, json, silent'],
    [{ CREATECHAT_MOCK_REQUEST_TIMEOUT: "0s" }, 'CREATECHAT_MOCK_REQUEST_TIMEOUT "0s": must be longer than zero'],
  ] as const)("%j", (env, message) => {
    expect(refusal([], env)).toBe(message);
  });

  it("an empty variable is a value, refused where one is needed (not read as unset)", () => {
    expect(refusal([], { CREATECHAT_MOCK_CONTROL_TOKEN: "" })).toBe('CREATECHAT_MOCK_CONTROL_TOKEN "": expected a non-empty value');
    expect(refusal([], { CREATECHAT_MOCK_PORT: "" })).toBe('CREATECHAT_MOCK_PORT "": expected an integer from 0 to 65535');
  });

  it("a value with a line break stays on one line in the message", () => {
    expect(refusal([], { CREATECHAT_MOCK_QUOTA: "5\n6" })).toBe('CREATECHAT_MOCK_QUOTA "5\\n6": expected an integer >= 1');
  });
});

describe("what the environment does not do", () => {
  it("--help and --version are commands, not settings: their variables are not read, only warned about", () => {
    const result = parsed([], { CREATECHAT_MOCK_HELP: "1", CREATECHAT_MOCK_VERSION: "true" });
    expect([result.options.help, result.options.version]).toEqual([false, false]);
    expect(result.warnings).toEqual([
      "CREATECHAT_MOCK_HELP is not a setting of createchat-mock (see --help); ignored",
      "CREATECHAT_MOCK_VERSION is not a setting of createchat-mock (see --help); ignored",
    ]);
  });

  it("a variable with the prefix that is no setting (a typo) is warned about, not refused", () => {
    const result = parsed([], { CREATECHAT_MOCK_PROT: "4011", CREATECHAT_MOCK_PORT: "4012" });
    expect(result.options.port).toBe(4012);
    expect(result.warnings).toEqual(["CREATECHAT_MOCK_PROT is not a setting of createchat-mock (see --help); ignored"]);
  });

  it("other variables are none of its business", () => {
    const result = parsed([], { PORT: "1", CREATECHAT_MOCKPORT: "2", HOME: "/root" });
    expect(result.options.port).toBe(4010);
    expect(result.warnings).toEqual([]);
  });
});
