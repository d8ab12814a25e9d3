/** For tests that run npm and installed commands: a clean environment for npm, and commands that print the listening line. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { captureOutput, type Exit } from "./cli-child.js";

export const BANNER = /createChat mock listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** The environment without the variables of the npm script vitest may run under (they would point npm at this repository). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|VITEST|MOCK_URL$|MOCK_EXECUTABLE$)/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...extra };
}

export interface Started {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** The URL of the listening line; rejects when the process exits first or prints none within the wait. */
  url: Promise<string>;
}

const started: Array<{ child: ChildProcess; group: boolean }> = [];

/**
 * Starts a command that serves the mock; `url` settles on its listening line (an event, not a
 * poll). With `detached: true` the child leads a process group of its own, which the cleanup ends.
 */
export function startServing(command: string, args: readonly string[], options: SpawnOptions, waitMs = 20_000): Started {
  const child = spawn(command, [...args], { ...options, stdio: ["ignore", "pipe", "pipe"] });
  started.push({ child, group: options.detached === true });
  const { stdout, stderr, exited } = captureOutput(child);
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${waitMs} ms; stdout ${stdout()}, stderr ${stderr()}`)), waitMs);
    const check = () => {
      const match = BANNER.exec(stdout());
      if (match === null) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      resolve(match[1] as string);
    };
    child.stdout?.on("data", check);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`exited (${exit.code ?? exit.signal}) before listening; stdout ${stdout()}, stderr ${stderr()}`));
    });
  });
  url.catch(() => undefined); // observed by the caller
  return { child, stdout, stderr, exited, url };
}

/** SIGKILLs, by PID (by process group for detached children), whatever a test started; for afterAll. */
export function killStarted(): void {
  for (const { child, group } of started.splice(0)) {
    if (child.pid === undefined) continue;
    // A group outlives its leader (npm's children do), so it is ended even when the leader has exited.
    if (!group && (child.exitCode !== null || child.signalCode !== null)) continue;
    try {
      process.kill(group ? -child.pid : child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export async function createChatCall(url: string, businessId: number, body: unknown, apiKey: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${url}/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers: { "Api-Key": apiKey, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}
