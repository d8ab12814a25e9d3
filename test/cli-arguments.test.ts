import { describe, expect, it } from "vitest";
import { OPTIONS, parseCliArgs, usage, type CliOptions } from "../mock/cli/index.js";

const USAGE = usage();

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
      quota: undefined,
      window: undefined,
      operationQuota: undefined,
      parallelLimit: undefined,
      latency: undefined,
      fixtures: undefined,
      fixturesMaxSize: 8 * 1024 * 1024,
      log: "pretty",
      journalSize: 10_000,
      journalBytes: 16 * 1024 * 1024,
      controlToken: undefined,
      controlTokenFile: undefined,
      maxChats: 10_000,
      maxMessagesPerChat: 1_000,
      maxMessages: 20_000,
      keepFileBytes: 65_536,
      maxKeptFileBytes: 16_777_216,
      shutdownGrace: 5_000,
      requestTimeout: 30_000,
      store: undefined,
      storePrefix: "createchat-mock",
      storeTimeout: 1_000,
      storeLease: 60_000,
    });
  });
});

describe("parseCliArgs accepted values", () => {
  it("--fixtures-max-size takes a size from 1 byte to 1 GiB", () => {
    expect(options(["--fixtures-max-size", "64m"]).fixturesMaxSize).toBe(64 * 1024 * 1024);
    expect(options(["--fixtures-max-size", "1"]).fixturesMaxSize).toBe(1);
    expect(refusal(["--fixtures-max-size", "0"])).toBe('--fixtures-max-size "0": expected a size in bytes like 65536, 64k or 16m, from 1 to 1024m');
    expect(refusal(["--fixtures-max-size", "1025m"])).toBe('--fixtures-max-size "1025m": expected a size in bytes like 65536, 64k or 16m, from 1 to 1024m');
  });

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

  it("--allowed-host takes a comma list of names, and refuses a port or a scheme", () => {
    expect(options(["--allowed-host", "mock, .internal.example"]).allowedHost).toEqual(["mock", ".internal.example"]);
    expect(refusal(["--allowed-host", "mock:4010"])).toBe(
      '--allowed-host "mock:4010": expected host names separated by commas, such as mock,.internal.example (no port, no scheme)',
    );
    expect(refusal(["--allowed-host", "a,,b"])).toMatch(/^--allowed-host "a,,b": expected host names/);
  });

  it("--window takes s, m and h durations", () => {
    expect(options(["--window", "90s"]).window).toBe(90_000);
    expect(options(["--window", "15m"]).window).toBe(900_000);
    expect(options(["--window", "1h"]).window).toBe(3_600_000);
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
    expect(options(["--fixtures", "/no/such/dir/f.yaml"]).fixtures).toBe("/no/such/dir/f.yaml");
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

  it("--control-token-file only names the file (parsing reads nothing)", () => {
    expect(options(["--control-token-file", "/run/secrets/token"]).controlTokenFile).toBe("/run/secrets/token");
  });

  it("--max-chats, --shutdown-grace and --request-timeout", () => {
    expect(options(["--max-chats", "50000"]).maxChats).toBe(50_000);
    expect(options(["--shutdown-grace", "10s"]).shutdownGrace).toBe(10_000);
    expect(options(["--request-timeout", "500ms"]).requestTimeout).toBe(500);
  });

  it("a value that starts with - through --opt=value", () => {
    expect(options(["--control-token=-s3cret"]).controlToken).toBe("-s3cret");
    expect(options(["--host=-"]).host).toBe("-");
  });

  it("a final -- ends the options", () => {
    expect(options(["--port", "1", "--"]).port).toBe(1);
  });
});

describe("the chat family's options", () => {
  it("--operation-quota takes operation=requests[:window] items, comma-separated", () => {
    expect(options(["--operation-quota", "getChatHistory=10:1m,getChats=100"]).operationQuota).toEqual({
      getChatHistory: { limit: 10, windowMs: 60_000 },
      getChats: { limit: 100 },
    });
    expect(options(["--operation-quota", "createChat=3:90s", "--quota", "7"])).toMatchObject({ quota: 7, operationQuota: { createChat: { limit: 3, windowMs: 90_000 } } });
  });

  it("--operation-quota refuses what is not one of the contract's operations, or is malformed", () => {
    expect(refusal(["--operation-quota", "getOrders=5"])).toMatch(/^--operation-quota "getOrders=5": getOrders is not an operation of the contract; it has createChat, getChats, /);
    expect(refusal(["--operation-quota", "getChats"])).toMatch(/expected operation=requests\[:window\]/);
    expect(refusal(["--operation-quota", "getChats=0"])).toMatch(/getChats: expected requests >= 1, got 0/);
    expect(refusal(["--operation-quota", "getChats=5:2x"])).toMatch(/getChats: window "2x": expected a duration like 90s/);
    expect(refusal(["--operation-quota", "getChats=5,getChats=6"])).toMatch(/getChats is given twice/);
  });

  it("message and file bounds: counts >= 1, sizes in bytes, k or m", () => {
    expect(options(["--max-messages-per-chat", "5", "--max-messages", "50"])).toMatchObject({ maxMessagesPerChat: 5, maxMessages: 50 });
    expect(options(["--keep-file-bytes", "0", "--max-kept-file-bytes", "2m"])).toMatchObject({ keepFileBytes: 0, maxKeptFileBytes: 2 * 1024 * 1024 });
    expect(options(["--keep-file-bytes", "1k"]).keepFileBytes).toBe(1024);
    expect(options(["--keep-file-bytes", "1500"]).keepFileBytes).toBe(1500);
    expect(refusal(["--keep-file-bytes", "1g"])).toMatch(/^--keep-file-bytes "1g": expected a size in bytes like 65536, 64k or 16m, at most 1024m$/);
    expect(refusal(["--max-messages", "0"])).toMatch(/^--max-messages "0": expected an integer from 1 to /);
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
    expect(refusal(["--control-token-file="])).toBe('--control-token-file "": expected a non-empty value');
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

  it("a stray positional argument, also after --", () => {
    expect(refusal(["4010"])).toBe('unexpected argument "4010": every setting is an option (see --help)');
    expect(refusal(["--port", "1", "-", "x"])).toBe('unexpected argument "-": every setting is an option (see --help)');
    expect(refusal(["--", "--port", "1"])).toBe('unexpected argument "--port": every setting is an option (see --help)');
  });

  it("an option given twice, however it is written, instead of the last one winning", () => {
    expect(refusal(["--port", "1", "--port", "2"])).toBe("--port given twice");
    expect(refusal(["--port=1", "--log", "json", "--port", "1"])).toBe("--port given twice");
    expect(refusal(["-h", "--help"])).toBe("--help given twice");
  });

  it("the token and the token file together", () => {
    expect(refusal(["--control-token", "a", "--control-token-file", "/t"])).toBe(
      "--control-token-file conflicts with --control-token: give one of them",
    );
    expect(refusal(["--control-token-file", "/t", "--control-token", "a"])).toBe(
      "--control-token-file conflicts with --control-token: give one of them",
    );
  });

  it("an unknown option written with =", () => {
    expect(refusal(["--prot=4010"])).toBe("--prot: unknown option (see --help)");
  });

  it("every refusal is one line", () => {
    for (const argv of [["--port", "--help"], ["--nope"], ["--latency", "9-1"], ["x"], ["--log", "a", "--log", "b"]]) {
      expect(refusal(argv)).not.toMatch(/\n/);
    }
  });
});

describe("usage text", () => {
  /** The option's entry in --help: its line and the indented lines under it, as one line of words. */
  function entry(synopsis: string): string {
    const lines = USAGE.split("\n");
    const start = lines.findIndex((l) => l.startsWith(`  ${synopsis} `) || l === `  ${synopsis}`);
    expect(start, synopsis).toBeGreaterThan(-1);
    const end = lines.findIndex((l, i) => i > start && !/^ {3,}\S/.test(l));
    return lines.slice(start, end).join(" ").replace(/\s+/g, " ").trim();
  }

  it("starts with how to run it: the bin's name, npx where installed, npm start in the repository", () => {
    expect(USAGE.split("\n")[0]).toBe("Usage: createchat-mock [options]");
    expect(USAGE).toContain("npx createchat-mock [options]");
    expect(USAGE).toContain("npm start -- [options] in its repository");
    expect(USAGE).toContain("the command line wins");
    expect(USAGE).not.toMatch(/^Usage: npm start/);
  });

  it("lists every option with its default", () => {
    for (const [synopsis, fallback] of [
      ["--port <n>", "(default: 4010)"],
      ["--host <address>", "(default: 127.0.0.1)"],
      ["--quota <n>", "(default: each operation's own x-rate-limit"],
      ["--window <duration>", "(default: each operation's own x-rate-limit)"],
      ["--operation-quota <op=n[:duration],...>", "(default: none)"],
      ["--parallel-limit <n>", "(default: off)"],
      ["--latency <ms|min-max>", "(default: none)"],
      ["--fixtures <file>", "(default: built-in demo data)"],
      ["--log <format>", "(default: pretty)"],
      ["--journal-size <n>", "(default: 10000)"],
      ["--control-token <token>", "(default: none; local clients only)"],
      ["--control-token-file <path>", "(default: none)"],
      ["--max-chats <n>", "(default: 10000)"],
      ["--max-messages-per-chat <n>", "(default: 1000)"],
      ["--max-messages <n>", "(default: 20000)"],
      ["--keep-file-bytes <size>", "(default: 64k)"],
      ["--max-kept-file-bytes <size>", "(default: 16m)"],
      ["--shutdown-grace <duration>", "(default: 5s)"],
      ["--request-timeout <duration>", "(default: 30s)"],
    ] as const) {
      expect(entry(synopsis), synopsis).toContain(fallback);
    }
    expect(entry("-h, --help")).toBe("-h, --help print the options and exit");
    expect(entry("--version")).toBe("--version print the version and exit");
  });

  it("lists each setting's environment variable under it, and none for --help and --version", () => {
    for (const [synopsis, variable] of [
      ["--port <n>", "CREATECHAT_MOCK_PORT"],
      ["--parallel-limit <n>", "CREATECHAT_MOCK_PARALLEL_LIMIT"],
      ["--control-token <token>", "CREATECHAT_MOCK_CONTROL_TOKEN"],
      ["--control-token-file <path>", "CREATECHAT_MOCK_CONTROL_TOKEN_FILE"],
      ["--request-timeout <duration>", "CREATECHAT_MOCK_REQUEST_TIMEOUT"],
    ] as const) {
      expect(entry(synopsis), synopsis).toMatch(new RegExp(` env: ${variable}$`));
    }
    expect(USAGE.match(/ env: CREATECHAT_MOCK_\w+$/gm)).toHaveLength(OPTIONS.filter((option) => option.kind === "value").length);
    expect(entry("-h, --help")).not.toContain("env");
    expect(entry("--version")).not.toContain("env");
  });

  it("shows no Markdown backticks and keeps within 100 columns", () => {
    expect(USAGE).not.toContain("`");
    expect(USAGE.split("\n").filter((l) => l.length > 100)).toEqual([]);
  });
});

describe("the warning for a host other machines reach, without a control token", () => {
  const warnings = (argv: string[], env: Record<string, string> = {}) => {
    const result = parseCliArgs(argv, env);
    if (!result.ok) throw new Error(result.message);
    return result.warnings;
  };
  const warning = (label: string, host: string) =>
    `${label} ${host} serves other machines, but without a control token the control API (/__mock) answers this one only; ` +
    "give --control-token or --control-token-file to drive it from elsewhere";

  it("is one line naming the host, for any address but loopback", () => {
    expect(warnings(["--host", "0.0.0.0"])).toEqual([warning("--host", "0.0.0.0")]);
    expect(warnings(["--host", "::"])).toEqual([warning("--host", "::")]);
    expect(warnings(["--host", "192.168.1.20"])).toEqual([warning("--host", "192.168.1.20")]);
    expect(warnings(["--host", "mock.internal"])).toEqual([warning("--host", "mock.internal")]);
  });

  it("names the variable when the host came from the environment", () => {
    expect(warnings([], { CREATECHAT_MOCK_HOST: "0.0.0.0" })).toEqual([warning("CREATECHAT_MOCK_HOST", "0.0.0.0")]);
  });

  it("is not given for loopback, the default included", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "localhost"]) {
      expect(warnings(["--host", host]), host).toEqual([]);
    }
    expect(warnings([])).toEqual([]);
  });

  it("is not given with a control token, however it is given", () => {
    expect(warnings(["--host", "0.0.0.0", "--control-token", "t"])).toEqual([]);
    expect(warnings(["--host", "0.0.0.0", "--control-token-file", "/t"])).toEqual([]);
    expect(warnings(["--host", "0.0.0.0"], { CREATECHAT_MOCK_CONTROL_TOKEN: "t" })).toEqual([]);
    expect(warnings(["--host", "0.0.0.0"], { CREATECHAT_MOCK_CONTROL_TOKEN_FILE: "/t" })).toEqual([]);
  });
});
