/**
 * The command line and the environment → validated options, or one line saying what is wrong.
 * A parser of our own over the option table (not util.parseArgs), so every refusal is worded from
 * what the table knows. Pure: reads no file; the environment is an argument.
 */
import { isLoopbackAddress } from "../http/loopback.js";
import { ENV_PREFIX, envName, optionKey, OPTIONS, type CliOption, type CliOptions, type OptionsOf, type ValueOption } from "./options.js";
import { ValueError } from "./values.js";

/** The environment as `process.env` has it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parsed options, with where each one that was given came from (`--port` or `CREATECHAT_MOCK_PORT`:
 * what later messages about it name) and warnings for stderr; or the one-line refusal.
 */
export type ParseResult<Options> =
  | { ok: true; options: Options; givenBy: GivenBy<Options>; warnings: string[] }
  | { ok: false; message: string };

/** For each option given (not defaulted): `--port` or `CREATECHAT_MOCK_PORT`. */
export type GivenBy<Options> = Partial<Record<keyof Options, string>>;

/** A refusal: the message is the whole line the user sees after `error: `. */
class Refusal extends Error {}

/**
 * Parses the command line (without `node script`) and the environment against `table`.
 *
 * - `--name value`, `--name=value` (the only way to a value that starts with `-`), `-h` for a short flag;
 * - each option at most once, no positional arguments;
 * - a setting not on the command line comes from `CREATECHAT_MOCK_<NAME>`, else its default;
 * - settings that set the same server option are alternatives: two of them from the same source are
 *   refused; one on the command line overrides all of them from the environment.
 *
 * An empty environment variable is a value like `--name=` (refused where a value is needed), not
 * an unset one: an empty CI secret should stop the mock, not quietly change what it does.
 */
export function parseOptions<const Table extends readonly CliOption[]>(
  table: Table,
  argv: readonly string[],
  env: Environment = {},
): ParseResult<OptionsOf<Table>> {
  try {
    const fromArgv = readArgv(table, argv);
    const fromEnv = readEnv(table, env);
    const options: Record<string, unknown> = {};
    const givenBy: Record<string, string> = {};
    for (const group of alternatives(table)) {
      const chosen = pickSource(group, fromArgv) ?? pickSource(group, fromEnv);
      for (const option of group) {
        const key = optionKey(option);
        const given = chosen?.option === option ? chosen : undefined;
        if (option.kind === "flag") {
          options[key] = given !== undefined;
        } else {
          options[key] = given === undefined ? option.default : parseValue(option, given.text, given.label);
        }
        if (given !== undefined) givenBy[key] = given.label;
      }
    }
    const warnings = unknownVariables(table, env).map((name) => `${name} is not a setting of createchat-mock (see --help); ignored`);
    // Built key by key from the table, so it has exactly the shape OptionsOf<Table> describes.
    return { ok: true, options: options as OptionsOf<Table>, givenBy: givenBy as GivenBy<OptionsOf<Table>>, warnings };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * {@link parseOptions} over the CLI's own table, plus the warning for a mock that serves other
 * machines while its control API, without a token, answers only this one.
 *
 * @example parseCliArgs(["--port", "0", "--latency", "50-200"], { CREATECHAT_MOCK_LOG: "json" })
 */
export function parseCliArgs(argv: readonly string[], env: Environment = {}): ParseResult<CliOptions> {
  const result = parseOptions(OPTIONS, argv, env);
  if (!result.ok) return result;
  const { host, controlToken, controlTokenFile } = result.options;
  if (controlToken === undefined && controlTokenFile === undefined && !isLoopbackHost(host)) {
    result.warnings.push(
      `${result.givenBy.host ?? "--host"} ${host} serves other machines, but without a control token the control API (/__mock) ` +
        "answers this one only; give --control-token or --control-token-file to drive it from elsewhere",
    );
  }
  return result;
}

function isLoopbackHost(host: string): boolean {
  return isLoopbackAddress(host);
}

/** A text given for an option, and the name to quote it under. */
interface Given {
  option: CliOption;
  text: string;
  label: string;
}

function readArgv(table: readonly CliOption[], argv: readonly string[]): Map<CliOption, Given> {
  const given = new Map<CliOption, Given>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      // The conventional end of options; whatever follows would be a positional argument.
      if (i + 1 < argv.length) throw positional(argv[i + 1] as string);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") throw positional(arg);

    const long = arg.startsWith("--");
    const equals = long ? arg.indexOf("=") : -1;
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const option = long ? table.find((o) => o.name === written.slice(2)) : table.find((o) => o.short !== undefined && `-${o.short}` === written);
    if (option === undefined) throw new Refusal(`${written}: unknown option (see --help)`);
    const label = `--${option.name}`;
    if (given.has(option)) throw new Refusal(`${label} given twice`);

    let text = equals === -1 ? undefined : arg.slice(equals + 1);
    if (option.kind === "flag") {
      if (text !== undefined) throw new Refusal(`${label}: takes no value`);
      text = "";
    } else if (text === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw new Refusal(`${label}: missing value`);
      // Most likely the value was left out and this is the next option; a value like "-1" needs `=`.
      if (next.startsWith("-")) throw new Refusal(`${label}: missing value (for a value that starts with "-", write ${label}=<value>)`);
      text = next;
      i++;
    }
    given.set(option, { option, text, label });
  }
  return given;
}

function positional(arg: string): Refusal {
  return new Refusal(`unexpected argument ${JSON.stringify(arg)}: every setting is an option (see --help)`);
}

function readEnv(table: readonly CliOption[], env: Environment): Map<CliOption, Given> {
  const given = new Map<CliOption, Given>();
  for (const option of table) {
    const name = envName(option);
    const text = name === undefined ? undefined : env[name];
    if (name !== undefined && text !== undefined) given.set(option, { option, text, label: name });
  }
  return given;
}

/** Variables with our prefix that are no option's: most likely a typo, which would otherwise do nothing. */
function unknownVariables(table: readonly CliOption[], env: Environment): string[] {
  const known = new Set(table.map(envName));
  return Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && env[name] !== undefined && !known.has(name))
    .sort();
}

/** The table in groups of options that set the same thing: one group per server option, each flag alone. */
function alternatives(table: readonly CliOption[]): CliOption[][] {
  const groups = new Map<unknown, CliOption[]>();
  for (const option of table) {
    const target = option.kind === "flag" ? option : option.sets;
    const group = groups.get(target);
    if (group === undefined) groups.set(target, [option]);
    else group.push(option);
  }
  return [...groups.values()];
}

/** The one option of `group` that `source` gives, if any; two are refused. */
function pickSource(group: readonly CliOption[], source: ReadonlyMap<CliOption, Given>): Given | undefined {
  const given = group.map((option) => source.get(option)).filter((g): g is Given => g !== undefined);
  const [first, second] = given;
  if (second !== undefined) throw new Refusal(`${second.label} conflicts with ${(first as Given).label}: give one of them`);
  return first;
}

function parseValue(option: ValueOption, text: string, label: string): unknown {
  try {
    return option.parse(text);
  } catch (error) {
    if (error instanceof ValueError) throw new Refusal(`${label} ${JSON.stringify(text)}: ${error.message}`);
    throw error;
  }
}
