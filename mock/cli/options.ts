/**
 * The CLI's option table: one entry per option. The parser (parse.ts), `--help` (usage.ts), the
 * environment variables, the mapping onto startMockServer's options (main.ts) and the README's
 * option table (checked by test/readme-examples.test.ts) are all read from it, so an option is
 * added, changed or removed here and nowhere else.
 */
import { readFile } from "node:fs/promises";
import { loadContract } from "../contract/load-contract.js";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_MS, type ServeOptions } from "../server.js";
import { createLogger, LOG_FORMATS, type LogFormat } from "../log/log.js";
import { DEFAULT_MAX_CHATS, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_MESSAGES_PER_CHAT } from "../state/chats.js";
import { DEFAULT_KEEP_FILE_BYTES, DEFAULT_MAX_KEPT_FILE_BYTES } from "../state/kept-files.js";
import { DEFAULT_FIXTURES_MAX_BYTES, FixturesError, loadFixturesFile } from "../state/fixtures.js";
import { DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAPACITY } from "../state/journal.js";
import { DEFAULT_STORE_LEASE_MS, DEFAULT_STORE_PREFIX, DEFAULT_STORE_TIMEOUT_MS } from "../state/redis/defaults.js";
import {
  byteSize,
  duration,
  formatBytes,
  formatDuration,
  hostNames,
  integer,
  latency,
  LoadError,
  nonEmpty,
  oneOf,
  operationQuotas,
  quotaWindow,
  storePrefix,
  storeUrl,
  type Parser,
} from "./values.js";

/** Every option's environment variable is this prefix and its name: `--parallel-limit` → `CREATECHAT_MOCK_PARALLEL_LIMIT`. */
export const ENV_PREFIX = "CREATECHAT_MOCK_";

/** An option of startMockServer that a CLI option sets. */
export type ServeKey = keyof ServeOptions;

/** What a {@link ValueOption.load} may use besides the value. */
export interface LoadContext {
  /** The request log's output, in the given format. */
  logOutput(format: LogFormat): { line(text: string): void; dropped?(): number };
  /** Every setting as parsed, by its key in CliOptions (defaults filled in), for a `load` that depends on another. */
  settings: Readonly<Record<string, unknown>>;
}

interface OptionBase<N extends string> {
  /** The long name: `--<name>` on the command line; the environment variable and the key in CliOptions follow from it. */
  readonly name: N;
  /** One letter for `-<short>`, if the option has one. */
  readonly short?: string;
  /** One line for `--help` and the README; `code` in backticks (dropped in `--help`). */
  readonly help: string;
}

/** An option without a value that makes the command do something else (`--help`); never read from the environment. */
export interface FlagOption<N extends string = string> extends OptionBase<N> {
  readonly kind: "flag";
}

/** A setting's entry, but for `load`. */
export interface SettingSpec<N extends string, T, D extends T | undefined, K extends ServeKey> extends OptionBase<N> {
  /** What follows the name in `--help` and the README: `<n>`, `<duration>`. */
  readonly placeholder: string;
  /** Text → value; throws ValueError with what it expected. */
  readonly parse: Parser<T>;
  /** The value when neither the command line nor the environment gives one; undefined = not set. */
  readonly default: D;
  /**
   * The default as `--help` and the README show it: a value (shown as code) when `default` is set,
   * else what happens without the option, in words ("off"). Without it: the default as text.
   */
  readonly shownDefault?: string;
  /** The option of startMockServer it sets. Options that set the same one are alternatives: give one. */
  readonly sets: K;
}

/** A setting whose value needs a file or the output before the server can take it. */
export interface LoadedSettingSpec<N extends string, T, D extends T | undefined, K extends ServeKey> extends SettingSpec<N, T, D, K> {
  /**
   * Turns the value into what `sets` takes (a path into the file's contents); throws LoadError.
   * Called before the server starts, not for an unset value.
   */
  load(value: T, context: LoadContext): ServeOptions[K] | Promise<ServeOptions[K]>;
}

/** A setting: a value from the command line, else from its environment variable, else the default. */
export interface ValueOption<N extends string = string, T = unknown, D extends T | undefined = T | undefined, K extends ServeKey = ServeKey>
  extends SettingSpec<N, T, D, K> {
  readonly kind: "value";
  /** See {@link LoadedSettingSpec.load}; absent when the value is what `sets` takes as it is. */
  load?(value: T, context: LoadContext): ServeOptions[K] | Promise<ServeOptions[K]>;
}

export type CliOption = FlagOption | ValueOption;

/** A flag of the table. */
export function flag<const N extends string>(spec: OptionBase<N>): FlagOption<N> {
  return { kind: "flag", ...spec };
}

/** A setting whose value is what startMockServer takes as it is. */
export function value<const N extends string, K extends ServeKey, T extends ServeOptions[K], D extends T | undefined>(
  spec: SettingSpec<N, T, D, K>,
): ValueOption<N, T, D, K>;
/** A setting whose value `load` turns into what startMockServer takes. */
export function value<const N extends string, K extends ServeKey, T, D extends T | undefined>(
  spec: LoadedSettingSpec<N, T, D, K>,
): ValueOption<N, T, D, K>;
export function value<const N extends string, K extends ServeKey, T, D extends T | undefined>(
  spec: SettingSpec<N, T, D, K> | LoadedSettingSpec<N, T, D, K>,
): ValueOption<N, T, D, K> {
  return { kind: "value", ...spec };
}

/** `parallel-limit` → `parallelLimit`, the option's key in CliOptions. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type ValueOf<O> = O extends ValueOption<string, infer T, infer D> ? (undefined extends D ? T | undefined : T) : O extends FlagOption ? boolean : never;

/** What a table parses into: one key per option, its value or default (flags: whether given). */
export type OptionsOf<Table extends readonly CliOption[]> = { -readonly [O in Table[number] as CamelCase<O["name"]>]: ValueOf<O> };

/** The key of an option in the parsed options. */
export function optionKey(option: CliOption): string {
  return option.name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The environment variable of a setting; flags have none. */
export function envName(option: CliOption): string | undefined {
  return option.kind === "flag" ? undefined : ENV_PREFIX + option.name.toUpperCase().replaceAll("-", "_");
}

/** The contract the defaults come from; main hands the same one to the server rather than reading it twice. */
export const contract = loadContract();

/**
 * Default of `--shutdown-grace`, longer than startMockServer's own `closeGraceMs` default (1 s): long
 * enough for any sane injected latency, short of CI's kill timeouts (10 s and up).
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
// The journal preallocates its ring; beyond this it is a memory problem, not a test setting.
const MAX_JOURNAL_SIZE = 10_000_000;
// Bytes are the journal's real bound; past a few GiB it is a memory problem, not a test setting.
const MAX_JOURNAL_BYTES = 4 * 1024 ** 3;
// The chat store grows up to its cap; ten million chats is gigabytes, past any test's need.
const MAX_CHATS_CAP = 10_000_000;

// The parallel limit the real service documents, as createChat's x-rate-limit states it.
const rateLimit = contract.operation("createChat").rateLimit;
const code = (text: string) => `\`${text}\``;
// A mock with gigabytes of messages or kept files is a memory problem, not a test setting.
const MAX_MESSAGES_CAP = 10_000_000;
const MAX_KEPT_BYTES_CAP = 1024 * 1024 * 1024;
// Past a gigabyte a fixtures file is a memory problem (a YAML one costs many times its size), not test data.
const MAX_FIXTURES_BYTES_CAP = 1024 * 1024 * 1024;
/** Each operation's own quota, as the default of --quota says it: the most common one, then the others by name. */
const ownQuotas = (() => {
  const quotaOf = (op: (typeof contract.operations)[number]) => `${op.rateLimit.requests}/${formatDuration(op.rateLimit.periodMs)}`;
  const counts = new Map<string, number>();
  for (const op of contract.operations) counts.set(quotaOf(op), (counts.get(quotaOf(op)) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const others = contract.operations.filter((op) => quotaOf(op) !== common).map((op) => `${op.operationId} ${quotaOf(op)}`);
  return others.length === 0 ? `${common}` : `${common}; ${others.join(", ")}`;
})();

export const OPTIONS = [
  value({ name: "port", placeholder: "<n>", parse: integer(0, 65_535), default: DEFAULT_PORT, sets: "port", help: "TCP port; `0` picks a free one" }),
  value({
    name: "host",
    placeholder: "<address>",
    parse: nonEmpty,
    default: DEFAULT_HOST,
    sets: "host",
    help: "address to bind; for any but loopback give a control token too, or the control API answers only this machine",
  }),
  value({
    name: "allowed-host",
    placeholder: "<names>",
    parse: hostNames,
    default: undefined,
    shownDefault: "loopback names and IP addresses only",
    sets: "allowedHosts",
    help: "more host names the mock answers to, comma-separated (`.example.com` with its subdomains); any other `Host` gets `403` (a guard against DNS rebinding)",
  }),
  value({
    name: "quota",
    placeholder: "<n>",
    parse: integer(1),
    default: undefined,
    shownDefault: `each operation's own \`x-rate-limit\` (${ownQuotas})`,
    sets: "quota",
    help: "requests per window per business, >= 1, for every operation (each still counted apart)",
  }),
  value({
    name: "window",
    placeholder: "<duration>",
    parse: quotaWindow,
    default: undefined,
    shownDefault: "each operation's own `x-rate-limit`",
    sets: "windowMs",
    help: "quota window of every operation, e.g. `90s`, `15m`, `1h` (units `ms`, `s`, `m`, `h`, `d`)",
  }),
  value({
    name: "operation-quota",
    placeholder: "<op=n[:duration],...>",
    parse: operationQuotas(contract.operations.map((op) => op.operationId)),
    default: undefined,
    shownDefault: "none",
    sets: "operationQuotas",
    help: "quota of single operations, over `--quota` and `--window`, e.g. `getChatHistory=10:1m,getChats=100`",
  }),
  value({
    name: "parallel-limit",
    placeholder: "<n>",
    parse: integer(1),
    default: undefined,
    shownDefault: "off",
    sets: "parallelLimit",
    help:
      rateLimit.parallelRequests === undefined
        ? "requests in flight per business, >= 1"
        : `requests in flight per business, >= 1; the real service allows ${rateLimit.parallelRequests}`,
  }),
  value({
    name: "latency",
    placeholder: "<ms|min-max>",
    parse: latency,
    default: undefined,
    shownDefault: "none",
    sets: "latency",
    help: "delay per counted request, e.g. `120` or `50-200`",
  }),
  value({
    name: "fixtures",
    placeholder: "<file>",
    parse: nonEmpty,
    default: undefined,
    shownDefault: "built-in demo data",
    sets: "fixtures",
    help: "tokens and businesses from a `.json`, `.yaml` or `.yml` file",
    async load(path, context) {
      try {
        const maxBytes = context.settings.fixturesMaxSize;
        return await loadFixturesFile(path, { maxBytes: typeof maxBytes === "number" ? maxBytes : undefined });
      } catch (error) {
        // Its message already starts with the file (and line:column or JSON pointer).
        if (error instanceof FixturesError) throw new LoadError(error.message);
        throw error;
      }
    },
  }),
  value({
    name: "fixtures-max-size",
    placeholder: "<size>",
    parse: byteSize(MAX_FIXTURES_BYTES_CAP, 1),
    default: DEFAULT_FIXTURES_MAX_BYTES,
    shownDefault: formatBytes(DEFAULT_FIXTURES_MAX_BYTES),
    sets: "fixturesMaxBytes",
    help: "largest `--fixtures` file and `PUT /__mock/fixtures` body, e.g. `64m`; a larger one is refused by its size before it is parsed",
  }),
  value({
    name: "log",
    placeholder: "<format>",
    // The type argument spelt out: inferred from the entry, a generic parser's type comes out unknown.
    parse: oneOf<LogFormat>(LOG_FORMATS),
    default: "pretty",
    sets: "logger",
    help: `request log: ${LOG_FORMATS.map(code).join(", ")}`,
    load: (format, context) => {
      const output = context.logOutput(format);
      return createLogger(format, (line) => output.line(line), output.dropped);
    },
  }),
  value({
    name: "journal-size",
    placeholder: "<n>",
    parse: integer(1, MAX_JOURNAL_SIZE),
    default: DEFAULT_JOURNAL_CAPACITY,
    sets: "journalCapacity",
    help: "requests kept in the journal, >= 1",
  }),
  value({
    name: "journal-bytes",
    placeholder: "<size>",
    parse: byteSize(MAX_JOURNAL_BYTES),
    default: DEFAULT_JOURNAL_BYTES,
    shownDefault: formatBytes(DEFAULT_JOURNAL_BYTES),
    sets: "journalMaxBytes",
    help: "bytes the journal keeps at most, e.g. `512k`, `64m`; past it the oldest requests go (each keeps previews of at most 4 KiB of headers and of body)",
  }),
  value({
    name: "control-token",
    placeholder: "<token>",
    parse: nonEmpty,
    default: undefined,
    shownDefault: "none; local clients only",
    sets: "controlToken",
    help: "the control API then requires `Authorization: Bearer <token>` and answers any client",
  }),
  value({
    name: "control-token-file",
    placeholder: "<path>",
    parse: nonEmpty,
    default: undefined,
    shownDefault: "none",
    sets: "controlToken",
    help: "as `--control-token`, the token read from a file (its final newline dropped), so it stays out of `ps` and shell history",
    load: readTokenFile,
  }),
  value({
    name: "max-chats",
    placeholder: "<n>",
    parse: integer(1, MAX_CHATS_CAP),
    default: DEFAULT_MAX_CHATS,
    sets: "maxChats",
    help: "chats kept at once; past it the least recently used one is forgotten, and asking for it again opens a new chat",
  }),
  value({
    name: "max-messages-per-chat",
    placeholder: "<n>",
    parse: integer(1, MAX_MESSAGES_CAP),
    default: DEFAULT_MAX_MESSAGES_PER_CHAT,
    sets: "maxMessagesPerChat",
    help: "messages a chat keeps, its newest; older ones are dropped from its history",
  }),
  value({
    name: "max-messages",
    placeholder: "<n>",
    parse: integer(1, MAX_MESSAGES_CAP),
    default: DEFAULT_MAX_MESSAGES,
    sets: "maxMessages",
    help: "messages kept over all chats; past it the oldest is dropped",
  }),
  value({
    name: "keep-file-bytes",
    placeholder: "<size>",
    parse: byteSize(MAX_KEPT_BYTES_CAP),
    default: DEFAULT_KEEP_FILE_BYTES,
    shownDefault: formatBytes(DEFAULT_KEEP_FILE_BYTES),
    sets: "keepFileBytes",
    help: "largest sent file whose bytes are kept (`GET /__mock/files/<id>`), e.g. `0`, `64k`, `1m`; of larger ones only the name, size and SHA-256",
  }),
  value({
    name: "max-kept-file-bytes",
    placeholder: "<size>",
    parse: byteSize(MAX_KEPT_BYTES_CAP),
    default: DEFAULT_MAX_KEPT_FILE_BYTES,
    shownDefault: formatBytes(DEFAULT_MAX_KEPT_FILE_BYTES),
    sets: "maxKeptFileBytes",
    help: "file bytes kept in all; past it the oldest kept files are dropped",
  }),
  value({
    name: "shutdown-grace",
    placeholder: "<duration>",
    parse: duration({ timer: true }),
    default: DEFAULT_SHUTDOWN_GRACE_MS,
    shownDefault: formatDuration(DEFAULT_SHUTDOWN_GRACE_MS),
    sets: "closeGraceMs",
    help: "after SIGTERM/SIGINT, time requests in flight get to finish; a second signal exits at once",
  }),
  value({
    name: "request-timeout",
    placeholder: "<duration>",
    parse: duration({ timer: true }),
    default: DEFAULT_REQUEST_TIMEOUT_MS,
    shownDefault: formatDuration(DEFAULT_REQUEST_TIMEOUT_MS),
    sets: "requestTimeoutMs",
    help: "time a client has to send a whole request, else `408`",
  }),
  value({
    name: "store",
    placeholder: "<url>",
    parse: storeUrl,
    default: undefined,
    shownDefault: "this process's memory",
    sets: "storeUrl",
    help: "keep the state in Redis (`redis://host:port/db`), shared by every mock started with the same URL and prefix (see docs/replicas.md)",
  }),
  value({
    name: "store-prefix",
    placeholder: "<name>",
    parse: storePrefix,
    default: DEFAULT_STORE_PREFIX,
    sets: "storePrefix",
    help: "with `--store`: the namespace of the keys, so mocks can share one Redis",
  }),
  value({
    name: "store-timeout",
    placeholder: "<duration>",
    parse: duration({ timer: true }),
    default: DEFAULT_STORE_TIMEOUT_MS,
    shownDefault: formatDuration(DEFAULT_STORE_TIMEOUT_MS),
    sets: "storeTimeoutMs",
    help: "with `--store`: the longest one store call may take; past it the answer is `500` `STATE_STORE_UNAVAILABLE`",
  }),
  value({
    name: "store-lease",
    placeholder: "<duration>",
    parse: duration({ timer: true }),
    default: DEFAULT_STORE_LEASE_MS,
    shownDefault: formatDuration(DEFAULT_STORE_LEASE_MS),
    sets: "storeLeaseMs",
    help: "with `--store`: how long an in-flight slot stays taken if its mock dies; longer than any request",
  }),
  flag({ name: "help", short: "h", help: "print the options and exit" }),
  flag({ name: "version", help: "print the version and exit" }),
] as const;

/** What the command line and the environment ask for, validated, defaults filled in: durations in ms, files as paths. */
export type CliOptions = OptionsOf<typeof OPTIONS>;

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory, not a file",
};

/** The token in a file, as `echo token > file` or a mounted secret writes it: one final newline dropped. */
async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LoadError(`${path}: cannot read file: ${(code !== undefined && READ_FAILURES[code]) || String(error)}`);
  }
  const token = text.replace(/\r?\n$/, "");
  if (token === "") throw new LoadError(`${path}: file is empty`);
  // A header value cannot hold a line break, so such a token could never be presented.
  if (/[\r\n]/.test(token)) throw new LoadError(`${path}: expected one line (the token), found several`);
  return token;
}
