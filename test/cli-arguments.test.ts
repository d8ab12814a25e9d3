import { describe, expect, it } from "vitest";
import { parseCliArgs, USAGE, type CliOptions } from "../mock/cli.js";

function options(argv: string[]): CliOptions {
  const result = parseCliArgs(argv);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(argv)} to parse, got: ${result.message}`);
  return result.options;
}

function refusal(argv: string[]): string {
  const result = parseCliArgs(argv);
  if (result.ok) throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
  return result.message;
}

describe("parseCliArgs defaults", () => {
  it("fills every default when given nothing", () => {
    expect(options([])).toEqual({
      help: false,
      version: false,
      port: 4010,
      host: "127.0.0.1",
      quota: 1000,
      windowMs: 3_600_000,
      parallelLimit: undefined,
      latency: undefined,
      fixturesPath: undefined,
      log: "pretty",
      journalSize: 10_000,
      controlToken: undefined,
      maxChats: 10_000,
      shutdownGraceMs: 5_000,
      requestTimeoutMs: 30_000,
    });
  });
});

describe("parseCliArgs accepted values", () => {
  it("--port takes 0 (a free port) up to 65535, with a space or =", () => {
    expect(options(["--port", "0"]).port).toBe(0);
    expect(options(["--port=65535"]).port).toBe(65_535);
    expect(options(["--port", "8080"]).port).toBe(8080);
  });

  it("--host is passed through", () => {
    expect(options(["--host", "0.0.0.0"]).host).toBe("0.0.0.0");
    expect(options(["--host", "::1"]).host).toBe("::1");
  });

  it("--quota takes integers >= 1", () => {
    expect(options(["--quota", "1"]).quota).toBe(1);
    expect(options(["--quota", "5000"]).quota).toBe(5000);
  });

  it("--window takes s, m and h durations", () => {
    expect(options(["--window", "90s"]).windowMs).toBe(90_000);
    expect(options(["--window", "15m"]).windowMs).toBe(900_000);
    expect(options(["--window", "1h"]).windowMs).toBe(3_600_000);
  });

  it("--parallel-limit takes integers >= 1", () => {
    expect(options(["--parallel-limit", "4"]).parallelLimit).toBe(4);
    expect(options(["--parallel-limit", "1"]).parallelLimit).toBe(1);
  });

  it("--latency takes a fixed delay or an inclusive range", () => {
    expect(options(["--latency", "120"]).latency).toEqual({ minMs: 120, maxMs: 120 });
    expect(options(["--latency", "50-200"]).latency).toEqual({ minMs: 50, maxMs: 200 });
    expect(options(["--latency", "0"]).latency).toEqual({ minMs: 0, maxMs: 0 });
    expect(options(["--latency", "70-70"]).latency).toEqual({ minMs: 70, maxMs: 70 });
  });

  it("--fixtures only names the file (parsing reads nothing)", () => {
    expect(options(["--fixtures", "/no/such/dir/f.yaml"]).fixturesPath).toBe("/no/such/dir/f.yaml");
  });

  it("--log takes each format", () => {
    expect(options(["--log", "pretty"]).log).toBe("pretty");
    expect(options(["--log", "json"]).log).toBe("json");
    expect(options(["--log", "silent"]).log).toBe("silent");
  });

  it("--journal-size takes integers >= 1", () => {
    expect(options(["--journal-size", "1"]).journalSize).toBe(1);
    expect(options(["--journal-size", "250"]).journalSize).toBe(250);
  });

  it("--control-token is kept as given", () => {
    expect(options(["--control-token", "s3cret"]).controlToken).toBe("s3cret");
  });

  it("--help, -h and --version set their flags", () => {
    expect(options(["--help"]).help).toBe(true);
    expect(options(["-h"]).help).toBe(true);
    expect(options(["--version"]).version).toBe(true);
    expect(options(["--version"]).help).toBe(false);
  });

  it("the last of a repeated option wins", () => {
    expect(options(["--port", "1", "--port", "2"]).port).toBe(2);
  });
});

describe("parseCliArgs refusals name the option and the reason", () => {
  it.each([
    [["--port", "abc"], '--port "abc": expected an integer from 0 to 65535'],
    [["--port", "65536"], '--port "65536": expected an integer from 0 to 65535'],
    [["--port=-1"], '--port "-1": expected an integer from 0 to 65535'],
    [["--port", "80.5"], '--port "80.5": expected an integer from 0 to 65535'],
    [["--quota", "0"], '--quota "0": expected an integer >= 1'],
    [["--quota", "1e3"], '--quota "1e3": expected an integer >= 1'],
    [["--parallel-limit", "0"], '--parallel-limit "0": expected an integer >= 1'],
    [["--parallel-limit", "four"], '--parallel-limit "four": expected an integer >= 1'],
    [["--journal-size", "0"], '--journal-size "0": expected an integer from 1 to 10000000'],
    [["--journal-size", "0x10"], '--journal-size "0x10": expected an integer from 1 to 10000000'],
  ])("bad number %j", (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it("bad duration, and a zero window", () => {
    expect(refusal(["--window", "2x"])).toBe('--window "2x": expected a duration like 90s, 15m or 1h');
    expect(refusal(["--window", "1.5h"])).toBe('--window "1.5h": expected a duration like 90s, 15m or 1h');
    expect(refusal(["--window", "0s"])).toBe('--window "0s": must be longer than zero');
  });

  it("bad latency: not a number, a reversed range, beyond a timer's reach", () => {
    expect(refusal(["--latency", "fast"])).toBe('--latency "fast": expected milliseconds like 120, or a range like 50-200');
    expect(refusal(["--latency", "50-"])).toBe('--latency "50-": expected milliseconds like 120, or a range like 50-200');
    expect(refusal(["--latency", "200-50"])).toBe('--latency "200-50": the range\'s minimum 200 is above its maximum 50');
    expect(refusal(["--latency", "1-2147483648"])).toMatch(/^--latency "1-2147483648": expected at most 2147483647 ms/);
  });

  it("bad log format", () => {
    expect(refusal(["--log", "loud"])).toBe('--log "loud": expected one of pretty, json, silent');
  });

  it("empty strings where a value is needed", () => {
    expect(refusal(["--host="])).toBe('--host "": expected a non-empty value');
    expect(refusal(["--fixtures="])).toBe('--fixtures "": expected a non-empty value');
    expect(refusal(["--control-token="])).toBe('--control-token "": expected a non-empty value');
  });

  it("unknown flags, long and short", () => {
    expect(refusal(["--prot", "4010"])).toBe("--prot: unknown option (see --help)");
    expect(refusal(["-x"])).toBe("-x: unknown option (see --help)");
  });

  it("a missing value, at the end or swallowed by the next flag", () => {
    expect(refusal(["--window"])).toBe("--window: missing value");
    expect(refusal(["--port", "--log", "json"])).toBe(
      '--port: missing value (for a value that starts with "-", write --port=<value>)',
    );
  });

  it("a value given to a flag that takes none", () => {
    expect(refusal(["--help=yes"])).toBe("--help: takes no value");
    expect(refusal(["--version=1"])).toBe("--version: takes no value");
  });

  it("a stray positional argument", () => {
    expect(refusal(["4010"])).toBe('unexpected argument "4010": every setting is an option (see --help)');
  });

  it("every refusal is one line", () => {
    for (const argv of [["--port", "--help"], ["--nope"], ["--latency", "9-1"], ["x"]]) {
      expect(refusal(argv)).not.toMatch(/\n/);
    }
  });
});

describe("usage text", () => {
  it("lists every option with its default", () => {
    for (const [flag, fallback] of [
      ["--port <n>", "(default: 4010)"],
      ["--host <address>", "(default: 127.0.0.1)"],
      ["--quota <n>", "(default: 1000)"],
      ["--window <duration>", "(default: 1h)"],
      ["--parallel-limit <n>", "(default: off)"],
      ["--latency <ms|min-max>", "(default: none)"],
      ["--fixtures <file>", "(default: built-in demo data)"],
      ["--log <format>", "(default: pretty)"],
      ["--journal-size <n>", "(default: 10000)"],
    ] as const) {
      const line = USAGE.split("\n").find((l) => l.trimStart().startsWith(flag));
      expect(line, flag).toContain(fallback);
    }
    expect(USAGE).toMatch(/--control-token <token>[\s\S]*\(default: none; local clients only\)/);
    expect(USAGE).toMatch(/-h, --help/);
    expect(USAGE).toMatch(/--version/);
  });
});
