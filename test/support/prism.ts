/**
 * Starts Stoplight Prism, the independent oracle of the contract, as a child process: its
 * validation proxy in front of an upstream (`prism proxy`) or its static mock (`prism mock`).
 * One implementation for the tests and for `npm run conformance`: a free port, readiness by
 * polling, and a stop that ends the whole process group, also when the caller fails or exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { freePort } from "./free-port.js";

const root = resolve(import.meta.dirname, "../..");
const PRISM_CLI = resolve(root, "node_modules/@stoplight/prism-cli/dist/index.js");

/** The contract of this project, the default document Prism validates against. */
export const CONTRACT_PATH = resolve(root, "openapi.yaml");

export interface RunningPrism {
  /** Base URL, e.g. `http://127.0.0.1:43117` (no trailing slash). */
  url: string;
  /** Ends the process group (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Options shared by {@link startPrismProxy} and {@link startPrismMock}. */
export interface PrismOptions {
  /** The OpenAPI document (a multi-file one works: Prism resolves relative `$ref`s). Default: openapi.yaml. */
  spec?: string;
  /** How long to wait for Prism to answer HTTP. Default 45 s (a cold start on a busy 2-core machine takes a few). */
  timeoutMs?: number;
}

/**
 * `prism proxy <spec> <upstream> --errors=false`: forwards every request to `upstream` and reports
 * what breaks the document in the `sl-violations` response header instead of answering errors itself.
 */
export function startPrismProxy(upstream: string, options: PrismOptions = {}): Promise<RunningPrism> {
  return startPrism(["proxy", resolve(options.spec ?? CONTRACT_PATH), upstream, "--errors=false"], options);
}

/** `prism mock <spec>`: Prism's static mock, answering the document's examples (`Prefer: code=, example=`). */
export function startPrismMock(options: PrismOptions = {}): Promise<RunningPrism> {
  return startPrism(["mock", resolve(options.spec ?? CONTRACT_PATH)], options);
}

// Children still running when this process ends are killed then: on exit (a failed test file, an
// uncaught error, a forgotten stop()) and on a terminating signal, after which the signal's own
// effect goes on. Prism runs in its own process group, so a Ctrl-C would not reach it otherwise.
// The handlers are installed only while a Prism runs, so they change nothing for the host otherwise.
const running = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const killAll = () => {
  for (const child of running) killGroup(child, "SIGKILL");
};
const onSignal = (signal: NodeJS.Signals) => {
  killAll();
  untrackAll();
  // No one else handles it: raise it again for its default effect (ending this process).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

function track(child: ChildProcess): void {
  if (running.size === 0) {
    process.on("exit", killAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  running.add(child);
}

function untrack(child: ChildProcess): void {
  if (running.delete(child) && running.size === 0) untrackAll();
}

function untrackAll(): void {
  running.clear();
  process.off("exit", killAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

// The port is picked before Prism binds it, so another process may take it in between; Prism then
// exits with EADDRINUSE and a new port is tried.
const PORT_ATTEMPTS = 3;

async function startPrism(args: string[], { timeoutMs = 45_000 }: PrismOptions): Promise<RunningPrism> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(args, await freePort(), timeoutMs);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(args: string[], port: number, timeoutMs: number): Promise<RunningPrism> {
  // Its own process group (detached), so stop() ends Prism and anything it forks (--multiprocess).
  // Log level warn: the per-request info lines would only fill the pipe.
  const child = spawn(
    process.execPath,
    [PRISM_CLI, ...args, "--host", "127.0.0.1", "--port", String(port), "--verboseLevel", "warn"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  track(child);
  const url = `http://127.0.0.1:${port}`;

  // Keep the tail of the output for error messages; reading it also keeps the pipes drained.
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once("exit", () => resolveExit());
  });
  void exited.then(() => untrack(child));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  try {
    await waitUntilAnswering(url, exited, timeoutMs);
  } catch (error) {
    await stop();
    if (/EADDRINUSE/.test(output)) throw new PortTakenError(`port ${port} was taken`);
    throw new Error(`prism ${args[0]} did not start: ${(error as Error).message}\n${output}`);
  }
  return { url, stop };
}

/** Polls until Prism answers any HTTP request; fails when the process exits or time runs out. */
async function waitUntilAnswering(url: string, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 200)) {
    if (hasExited) throw new Error("the process exited");
    try {
      const response = await fetch(`${url}/__prism_ready`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return;
    } catch {
      // Not listening yet: poll again after a short, growing pause.
    }
    if (Date.now() > deadline) throw new Error(`no HTTP answer within ${timeoutMs} ms`);
    await Promise.race([new Promise((r) => setTimeout(r, delay)), exited]);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}
