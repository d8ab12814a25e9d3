/**
 * The mock's CLI as a child process for tests: `node --import tsx mock/cli.ts`, so the child's pid
 * is the server itself (signals reach it directly, with no wrapper in between). Every child is
 * tracked; call `killAllChildren()` in afterAll so none outlives the test file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BANNER = /^createChat mock listening on (http:\/\/\S+) \(docs: \S+\/docs, health: \S+\/__mock\/health\)$/m;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output is read. */
  exited: Promise<Exit>;
  /** The base URL from the banner line. */
  url: Promise<string>;
}

const children: ChildProcess[] = [];

/**
 * This process's environment without the CLI's own variables (CREATECHAT_MOCK_*), so a shell that
 * sets one cannot change what a test's child does, plus `env`.
 */
export function cliEnvironment(env: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("CREATECHAT_MOCK_"));
  return { ...Object.fromEntries(inherited), ...env };
}

/**
 * Starts the CLI with `args`, and `env` added to its environment; `url` resolves from the banner
 * (rejects if the child exits first or after `waitMs`, default 10 s).
 */
export function startCli(args: readonly string[], { waitMs = 10_000, env = {} }: { waitMs?: number; env?: Readonly<Record<string, string>> } = {}): CliChild {
  const child = spawn(process.execPath, ["--import", "tsx", "mock/cli.ts", ...args], {
    cwd: ROOT,
    env: cliEnvironment(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const { stdout, stderr, exited } = captureOutput(child);
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within ${waitMs} ms; stdout ${JSON.stringify(stdout())}, stderr ${JSON.stringify(stderr())}`)), waitMs);
    const check = () => {
      const match = BANNER.exec(stdout());
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`cli exited before its banner; stdout ${JSON.stringify(stdout())}, stderr ${JSON.stringify(stderr())}`));
    });
  });
  url.catch(() => undefined); // observed by the caller; avoid an unhandled rejection when it is not awaited
  return { child, stdout, stderr, exited, url };
}

/** Collects a child's output as it comes; `exited` settles once it has exited and its output is read. */
export function captureOutput(child: ChildProcess): { stdout(): string; stderr(): string; exited: Promise<Exit> } {
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  return { stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the exit, or rejects when the child has not exited within `ms`. */
export async function exitWithin(run: CliChild, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms; stderr ${JSON.stringify(run.stderr())}`)), ms);
  });
  try {
    return await Promise.race([run.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child still running; for afterAll. */
export function killAllChildren(): void {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
