#!/usr/bin/env node
/**
 * `npm start`: the mock as a command. Parsing is a pure function ({@link parseCliArgs}) so every
 * option and every refusal is testable without a process; {@link main} validates everything
 * (the fixtures file included) before it opens the socket, so the mock never runs half-configured.
 */
import { realpathSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Latency } from "./app.js";
import { MAX_TIMER_MS, parseDuration } from "./clock.js";
import { FixturesError, loadFixturesFile, type Fixtures } from "./fixtures.js";
import { DEFAULT_JOURNAL_CAPACITY } from "./journal.js";
import { createLogger, LOG_FORMATS, type LogFormat } from "./log.js";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_MS, ListenError, startMockServer, type RunningMock } from "./server.js";
import { DEFAULT_QUOTA, DEFAULT_WINDOW_MS } from "./state.js";
import { packageVersion } from "./version.js";
import { DEFAULT_MAX_CHATS } from "./store.js";

/** Exit code for a refused command line, a bad fixtures file, or a port that cannot be opened. */
export const EXIT_USAGE = 2;

/** What the command line asks for, validated; defaults filled in. */
export interface CliOptions {
  /** `--help`: print usage and exit 0 (nothing is served). */
  help: boolean;
  /** `--version`: print the package version and exit 0. */
  version: boolean;
  /** Default 4010; 0 = a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host: string;
  /** Requests per window per business; default 1000. */
  quota: number;
  /** Quota window in ms; default one hour. */
  windowMs: number;
  /** Requests in flight per business; undefined = no limit (the default). */
  parallelLimit: number | undefined;
  /** Delay per counted request; undefined = none (the default). */
  latency: Latency | undefined;
  /** Fixture file to load instead of the demo data; read by `main`, not by the parser. */
  fixturesPath: string | undefined;
  /** Default pretty. */
  log: LogFormat;
  /** Journal entries kept; default 10000. */
  journalSize: number;
  /** Bearer token the control API requires; undefined = none (the default). */
  controlToken: string | undefined;
  /** Chats kept at once, least recently used forgotten first; default 10000. */
  maxChats: number;
  /** After SIGTERM/SIGINT, how long requests in flight may take before they are cut, in ms; default 5 s. */
  shutdownGraceMs: number;
  /** How long a client may take to send a whole request, in ms; default 30 s. */
  requestTimeoutMs: number;
}

/** Default of `--shutdown-grace`: long enough for any sane injected latency, short of CI's kill timeouts (10 s and up). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/** Result of {@link parseCliArgs}: the options, or one line naming the option and what is wrong. */
export type CliParseResult = { ok: true; options: CliOptions } | { ok: false; message: string };

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  quota: { type: "string" },
  window: { type: "string" },
  "parallel-limit": { type: "string" },
  latency: { type: "string" },
  fixtures: { type: "string" },
  log: { type: "string" },
  "journal-size": { type: "string" },
  "control-token": { type: "string" },
  "max-chats": { type: "string" },
  "shutdown-grace": { type: "string" },
  "request-timeout": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

// The journal preallocates its ring; beyond this it is a memory problem, not a test setting.
const MAX_JOURNAL_SIZE = 10_000_000;
// The chat store grows up to its cap; ten million chats is gigabytes, past any test's need.
const MAX_CHATS_CAP = 10_000_000;

/** Usage text for `--help`: every option with its default. */
export const USAGE = `Usage: npm start -- [options]    (or: tsx mock/cli.ts [options])

Serves the createChat mock (POST /v2/businesses/{businessId}/chats/new) and its control API (/__mock).

Options:
  --port <n>               TCP port; 0 picks a free one (default: ${DEFAULT_PORT})
  --host <address>         address to bind (default: ${DEFAULT_HOST})
  --quota <n>              requests per window per business, >= 1 (default: ${DEFAULT_QUOTA})
  --window <duration>      quota window, e.g. 90s, 15m, 1h (default: 1h)
  --parallel-limit <n>     requests in flight per business, >= 1; the real service allows 4 (default: off)
  --latency <ms|min-max>   delay per counted request, e.g. 120 or 50-200 (default: none)
  --fixtures <file>        tokens and businesses from a .json, .yaml or .yml file (default: built-in demo data)
  --log <format>           request log: ${LOG_FORMATS.join(", ")} (default: pretty)
  --journal-size <n>       requests kept in the journal, >= 1 (default: ${DEFAULT_JOURNAL_CAPACITY})
  --control-token <token>  the control API then requires "Authorization: Bearer <token>"
                           and answers any client (default: none; local clients only)
  --max-chats <n>          chats kept at once; past it the least recently used one is forgotten
                           and asking for it again opens a new chat (default: ${DEFAULT_MAX_CHATS})
  --shutdown-grace <duration>
                           after SIGTERM/SIGINT, time requests in flight get to finish; a second
                           signal exits at once (default: ${DEFAULT_SHUTDOWN_GRACE_MS / 1000}s)
  --request-timeout <duration>
                           time a client has to send a whole request, else 408 (default: ${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s)
  -h, --help               print this help and exit
  --version                print the version and exit
`;

/**
 * Parses and validates the command line (without the `node script` prefix). Pure: reads no file
 * and no environment; the fixtures file is only named here and loaded by `main`.
 *
 * @returns `{ ok: false, message }` with one line naming the option and why, e.g.
 *   `--window "2x": expected a duration like 90s, 15m or 1h`.
 * @example parseCliArgs(["--port", "0", "--latency", "50-200"])
 */
export function parseCliArgs(argv: readonly string[]): CliParseResult {
  let values: ReturnType<typeof parseStrict>;
  try {
    values = parseStrict(argv);
  } catch (error) {
    return { ok: false, message: describeParseError(error) };
  }
  try {
    const options: CliOptions = {
      help: values.help ?? false,
      version: values.version ?? false,
      port: values.port === undefined ? DEFAULT_PORT : integerIn("--port", values.port, 0, 65_535),
      host: values.host === undefined ? DEFAULT_HOST : nonEmpty("--host", values.host),
      quota: values.quota === undefined ? DEFAULT_QUOTA : integerIn("--quota", values.quota, 1, Number.MAX_SAFE_INTEGER),
      windowMs: values.window === undefined ? DEFAULT_WINDOW_MS : positiveDuration("--window", values.window),
      parallelLimit:
        values["parallel-limit"] === undefined
          ? undefined
          : integerIn("--parallel-limit", values["parallel-limit"], 1, Number.MAX_SAFE_INTEGER),
      latency: values.latency === undefined ? undefined : latencyRange("--latency", values.latency),
      fixturesPath: values.fixtures === undefined ? undefined : nonEmpty("--fixtures", values.fixtures),
      log: values.log === undefined ? "pretty" : logFormat("--log", values.log),
      journalSize:
        values["journal-size"] === undefined
          ? DEFAULT_JOURNAL_CAPACITY
          : integerIn("--journal-size", values["journal-size"], 1, MAX_JOURNAL_SIZE),
      controlToken: values["control-token"] === undefined ? undefined : nonEmpty("--control-token", values["control-token"]),
      maxChats: values["max-chats"] === undefined ? DEFAULT_MAX_CHATS : integerIn("--max-chats", values["max-chats"], 1, MAX_CHATS_CAP),
      shutdownGraceMs:
        values["shutdown-grace"] === undefined ? DEFAULT_SHUTDOWN_GRACE_MS : timerDuration("--shutdown-grace", values["shutdown-grace"]),
      requestTimeoutMs:
        values["request-timeout"] === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : timerDuration("--request-timeout", values["request-timeout"]),
    };
    return { ok: true, options };
  } catch (error) {
    if (error instanceof OptionError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseStrict(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
}

/** A refused option value; the message is the line the user sees (after `error: `). */
class OptionError extends Error {
  constructor(option: string, value: string, expected: string) {
    super(`${option} ${JSON.stringify(value)}: ${expected}`);
  }
}

function integerIn(option: string, text: string, min: number, max: number): number {
  // Digits only: Number() would also take "1e3", "0x10", " 7" and "", none of which a user means as a count.
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new OptionError(option, text, `expected ${range}`);
  }
  return value;
}

function nonEmpty(option: string, text: string): string {
  if (text === "") throw new OptionError(option, text, "expected a non-empty value");
  return text;
}

function positiveDuration(option: string, text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new OptionError(option, text, "expected a duration like 90s, 15m or 1h");
  }
  if (ms <= 0) throw new OptionError(option, text, "must be longer than zero");
  return ms;
}

/** A duration a timer can wait: more than 0 and at most 2^31-1 ms. */
function timerDuration(option: string, text: string): number {
  const ms = positiveDuration(option, text);
  if (ms > MAX_TIMER_MS) throw new OptionError(option, text, `expected at most ${MAX_TIMER_MS} ms (what a timer can wait)`);
  if (!Number.isInteger(ms)) throw new OptionError(option, text, "expected whole milliseconds");
  return ms;
}

function latencyRange(option: string, text: string): Latency {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const expected = "expected milliseconds like 120, or a range like 50-200";
  if (match === null) throw new OptionError(option, text, expected);
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (minMs > MAX_TIMER_MS || maxMs > MAX_TIMER_MS) {
    throw new OptionError(option, text, `expected at most ${MAX_TIMER_MS} ms (what a timer can wait)`);
  }
  if (minMs > maxMs) throw new OptionError(option, text, `the range's minimum ${minMs} is above its maximum ${maxMs}`);
  return { minMs, maxMs };
}

function logFormat(option: string, text: string): LogFormat {
  const format = LOG_FORMATS.find((f) => f === text);
  if (format === undefined) throw new OptionError(option, text, `expected one of ${LOG_FORMATS.join(", ")}`);
  return format;
}

/**
 * One line for a util.parseArgs refusal. Node's own messages can span lines and vary between
 * versions, so the kind comes from the error code and only the option name from the text.
 */
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  // Node quotes the option as '--port', '--port <value>' or '-h, --help': take the long form.
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? "";
  const option = /--?[\w-]+(?=[^,]*$)/.exec(quoted.replace(/ <value>$/, ""))?.[0] ?? quoted;
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `${option}: unknown option (see --help)`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${JSON.stringify(quoted)}: every setting is an option (see --help)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(text)) return `${option}: takes no value`;
      if (/ambiguous/.test(text)) {
        return `${option}: missing value (for a value that starts with "-", write ${option}=<value>)`;
      }
      return `${option}: missing value`;
    default:
      return text.split("\n")[0] ?? text;
  }
}

/** Where `main` writes; injectable so tests could capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the command: prints help or version, or loads the fixtures, starts the server, prints
 * `createChat mock listening on <url>` and serves until SIGINT/SIGTERM (then closes, exit 0).
 *
 * @returns the exit code when the command ends by itself (help, version, a refusal: 2), or
 *   undefined once the server is listening (the process then ends on a signal).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number | undefined> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.stderr(`error: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  const options = parsed.options;
  if (options.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (options.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }

  let fixtures: Fixtures | undefined;
  if (options.fixturesPath !== undefined) {
    try {
      fixtures = await loadFixturesFile(options.fixturesPath);
    } catch (error) {
      if (!(error instanceof FixturesError)) throw error;
      // The message already starts with the file (and line:column or JSON pointer).
      io.stderr(`error: --fixtures ${error.message}\n`);
      return EXIT_USAGE;
    }
  }

  let mock: RunningMock;
  try {
    mock = await startMockServer({
      port: options.port,
      host: options.host,
      quota: options.quota,
      windowMs: options.windowMs,
      parallelLimit: options.parallelLimit,
      latency: options.latency,
      fixtures,
      journalCapacity: options.journalSize,
      controlToken: options.controlToken,
      maxChats: options.maxChats,
      closeGraceMs: options.shutdownGraceMs,
      requestTimeoutMs: options.requestTimeoutMs,
      logger: createLogger(options.log, (line) => io.stdout(`${line}\n`)),
    });
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    const hint = error.code === "EADDRINUSE" ? "; choose another --port, or --port 0 for a free one" : "";
    io.stderr(`error: ${error.message}${hint}\n`);
    return EXIT_USAGE;
  }

  // Before the banner: a script that signals as soon as it reads the banner must find the handlers in place.
  stopOnSignals(mock, options.shutdownGraceMs, io);
  // Printed whatever --log says: scripts wait for this line to learn the URL (with --port 0, the port).
  io.stdout(`createChat mock listening on ${mock.url}\n`);
  return undefined;
}

/**
 * SIGTERM or SIGINT: stop accepting connections, let requests in flight finish within the grace,
 * then exit 0. A second signal while draining exits at once with 128 + the signal's number
 * (130 for SIGINT, 143 for SIGTERM), the shell's code for "killed by that signal".
 */
function stopOnSignals(mock: RunningMock, graceMs: number, io: CliIo): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.stderr(`${signal} while closing: exiting now; requests in flight are cut\n`);
      process.exit(128 + (osConstants.signals[signal] ?? 0));
    }
    stopping = true;
    // stderr, not stdout: with --log json every stdout line must stay a JSON record.
    io.stderr(`${signal}: closing; requests in flight get up to ${graceMs} ms (send ${signal} again to exit now)\n`);
    mock.close().then(
      () => process.exit(0),
      (error: unknown) => {
        io.stderr(`error: closing the server: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** True when this module is the program Node was started with (not imported by a test). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
