/**
 * The command: parse, print help or the version, or check everything (files included) and serve
 * until a signal. Nothing is served until every option is known good, so the mock never runs
 * half-configured.
 */
import { constants as osConstants } from "node:os";
import { createBoundedOutput } from "../log/bounded-output.js";
import { droppedNotice } from "../log/log.js";
import { ListenError, startMockServer, type RunningMock, type ServeOptions } from "../server.js";
import { packageVersion } from "../package-files.js";
import { StoreStartError } from "../state/store-errors.js";
import { contract, optionKey, OPTIONS, type CliOption, type LoadContext, type OptionsOf } from "./options.js";
import { parseCliArgs, type Environment, type GivenBy } from "./parse.js";
import { usage } from "./usage.js";
import { LoadError } from "./values.js";

/** Exit code for a refused command line or environment, a bad file, a port that cannot be opened, or a store that cannot be used. */
export const EXIT_USAGE = 2;

/** Where `main` writes; injectable so tests can capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The request log's output; default: lines on `stdout`, never dropped. */
  logOutput?: LoadContext["logOutput"];
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // A closed or stalled reader of stdout must not stop or bloat the mock (log/bounded-output.ts).
  logOutput: (format) => createBoundedOutput(process.stdout, { droppedNotice: (count) => droppedNotice(format, count, Date.now()) }),
};

/** A value that parsed but cannot be used; the message is the line after `error: `. */
export class OptionLoadError extends Error {
  override readonly name = "OptionLoadError";
}

/**
 * Runs the command: prints help or version, or reads the files the options name, starts the
 * server, prints `createChat mock listening on <url> (docs: …, health: …)` and serves until SIGINT/SIGTERM (then
 * closes, exit 0). Warnings (a typo'd variable, a host other machines reach) go to stderr first.
 *
 * @returns the exit code when the command ends by itself (help, version: 0; a refusal: 2), or
 *   undefined once the server is listening (the process then ends on a signal).
 */
export async function main(argv: readonly string[], io: CliIo = processIo, env: Environment = process.env): Promise<number | undefined> {
  const parsed = parseCliArgs(argv, env);
  if (!parsed.ok) {
    io.stderr(`error: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  const { options } = parsed;
  if (options.help) {
    io.stdout(usage());
    return 0;
  }
  if (options.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  for (const warning of parsed.warnings) io.stderr(`warning: ${warning}\n`);

  let serveOptions: ServeOptions;
  try {
    serveOptions = await toServeOptions(OPTIONS, parsed, { logOutput: io.logOutput ?? (() => ({ line: (line) => io.stdout(`${line}\n`) })) });
  } catch (error) {
    if (!(error instanceof OptionLoadError)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }

  let mock: RunningMock;
  try {
    // The contract the defaults were read from: reading it again would cost start-up time.
    mock = await startMockServer({ ...serveOptions, contract });
  } catch (error) {
    // Its message names the store (never its password) and why: one line.
    if (error instanceof StoreStartError) {
      io.stderr(`error: --store: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (!(error instanceof ListenError)) throw error;
    const hint = error.code === "EADDRINUSE" ? "; choose another --port, or --port 0 for a free one" : "";
    io.stderr(`error: ${error.message}${hint}\n`);
    return EXIT_USAGE;
  }

  // Before the banner: a script that signals as soon as it reads the banner must find the handlers in place.
  stopOnSignals(mock, options.shutdownGrace, io);
  // Printed whatever --log says: scripts wait for this line to learn the URL (with --port 0, the port).
  io.stdout(`createChat mock listening on ${mock.url} (docs: ${mock.url}/docs, health: ${mock.url}/__mock/health)\n`);
  return undefined;
}

/**
 * startMockServer's options from what `table` parsed into: each setting's value, through its
 * entry's `load` where it has one, under the name its entry `sets`. Unset settings are left out,
 * so an unset alternative does not undo the one that is set.
 *
 * @throws OptionLoadError naming where the value came from, e.g. `--fixtures missing.yaml: cannot read file: no such file`.
 */
export async function toServeOptions<const Table extends readonly CliOption[]>(
  table: Table,
  parsed: { options: OptionsOf<Table>; givenBy: GivenBy<OptionsOf<Table>> },
  context: Omit<LoadContext, "settings">,
): Promise<ServeOptions> {
  const serve: Record<string, unknown> = {};
  const values: Readonly<Record<string, unknown>> = parsed.options;
  const labels: Readonly<Record<string, string | undefined>> = parsed.givenBy;
  for (const option of table as readonly CliOption[]) {
    const key = optionKey(option);
    const value = values[key];
    if (option.kind === "flag" || value === undefined) continue;
    try {
      serve[option.sets] = option.load === undefined ? value : await option.load(value, { ...context, settings: values });
    } catch (error) {
      if (error instanceof LoadError) throw new OptionLoadError(`${labels[key] ?? `--${option.name}`} ${error.message}`);
      throw error;
    }
  }
  // Each key is an entry's `sets` with the value its entry's types tie to it (see `value` in options.ts).
  return serve as ServeOptions;
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
