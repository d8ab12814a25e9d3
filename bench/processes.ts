/**
 * Child processes of the benchmark: each server under test runs in its own process (group), started
 * on a port picked here, ready once it answers a real request with 200, and always stopped again by
 * its PID (on success, on failure and on Ctrl-C), so a bench run never leaves a server behind.
 *
 * A server's output goes to a log file, not a pipe: a chatty server (Mockoon logs every request)
 * then costs the bench's process nothing, and the file's start is shown when the server fails.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/free-port.js";

/** What to send to learn that a server is up: the request the load will send. */
export interface Probe {
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** A server process under test. */
export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Spawn to the first 200 answered over a socket, in ms. */
  readonly firstOkMs: number;
  /** Resident set size now of the process and its descendants, in bytes; undefined where there is no /proc or `ps`. */
  rssBytes(): number | undefined;
  /** CPU time (user + system) used so far by the process and its living descendants, in seconds; undefined where there is no /proc. */
  cpuSeconds(): number | undefined;
  /** SIGTERM to its process group, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The start of what the server printed, for error messages. */
  output(): string;
  /** With `ipc`: sends a message over the IPC channel and resolves with the next one back (rejects after `timeoutMs`). */
  ask(message: unknown, timeoutMs?: number): Promise<unknown>;
}

const running = new Set<ChildProcess>();
/** Servers, spawned as leaders of a process group of their own; signalled as a group. */
const groupLeaders = new WeakSet<ChildProcess>();
let handlersInstalled = false;
/** This run's server logs; removed when the bench exits. */
let logDir: string | undefined;

/** Signals the child's process group (servers are spawned as group leaders), else the child alone. */
function signal(child: ChildProcess, name: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // Already gone.
  }
}

// Whatever ends the bench, no process it started outlives it.
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAll = () => {
    for (const child of running) signal(child, "SIGKILL", groupLeaders.has(child));
    running.clear();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  };
  process.on("exit", killAll);
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(name, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Registers a child the bench started (a load generator, an in-process row) for the exit handlers. */
export function track(child: ChildProcess): void {
  installExitHandlers();
  running.add(child);
  child.once("exit", () => running.delete(child));
}

/**
 * Runs a program to its end within `timeoutMs` (killed by its PID past that) and resolves with
 * its stdout; rejects on a non-zero exit with the end of its stderr.
 */
export function runToEnd(command: string, args: readonly string[], options: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    track(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    const timer = setTimeout(() => signal(child, "SIGKILL", false), options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, killedBy) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} ${killedBy === null ? `exited ${code}` : `was killed (${killedBy}; limit ${options.timeoutMs} ms)`}: ${stderr.trim()}`));
    });
  });
}

/** One POST over a fresh connection; resolves with the status, or undefined when nothing answers. */
export function requestOnce(port: number, probe: Probe, timeoutMs = 2_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: probe.path, headers: probe.headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", () => resolve(undefined));
    req.setTimeout(timeoutMs, () => req.destroy());
    req.end(probe.body);
  });
}

/** Options of {@link startServer}. */
export interface StartOptions {
  name: string;
  /** The program and its arguments; `{port}` in an argument is replaced by the chosen port. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** Added to the bench's environment. */
  env?: Readonly<Record<string, string>>;
  probe: Probe;
  /** Give up after this long. Default 60 s (Prism and the JVM can take a while to load). */
  timeoutMs?: number;
  /** How often to try a request while the server starts. Default 5 ms. */
  pollMs?: number;
  /** Opens an IPC channel to the server (for an agent loaded into it, see bench/alloc-agent.ts). */
  ipc?: boolean;
}


/**
 * Spawns a server on a free port, as the leader of a process group of its own (so a wrapper's
 * children are stopped with it), and polls it with `probe` until it answers 200; the time from
 * spawn to that answer is `firstOkMs`. Rejects (after killing it) when it exits or times out.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  installExitHandlers();
  const { name, probe, timeoutMs = 60_000, pollMs = 5 } = options;
  const port = await freePort();
  const args = options.args.map((arg) => arg.replaceAll("{port}", String(port)));
  logDir ??= mkdtempSync(join(tmpdir(), "createchat-bench-logs-"));
  const logFile = join(logDir, `${name.replace(/[^\w.-]+/g, "_")}-${port}.log`);
  const fd = openSync(logFile, "w");
  const spawnedAt = performance.now();
  const child = spawn(options.command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: options.ipc === true ? ["ignore", fd, fd, "ipc"] : ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  groupLeaders.add(child);
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
    });
    child.once("error", () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });
  const output = () => readHead(logFile, 4_000);

  const stop = async (graceMs = 3_000): Promise<void> => {
    if (exited) return;
    signal(child, "SIGTERM", true);
    const timer = setTimeout(() => signal(child, "SIGKILL", true), graceMs);
    await exit;
    clearTimeout(timer);
    // A child that ignored the group's SIGTERM must not outlive its leader.
    signal(child, "SIGKILL", true);
  };

  let firstOkMs: number | undefined;
  let lastStatus: number | undefined;
  while (firstOkMs === undefined) {
    if (exited) throw new Error(`${name} exited before answering:\n${output()}`);
    if (performance.now() - spawnedAt > timeoutMs) {
      await stop(0);
      throw new Error(`${name} did not answer 200 within ${timeoutMs} ms (last status ${lastStatus ?? "none"}):\n${output()}`);
    }
    lastStatus = await requestOnce(port, probe);
    if (lastStatus === 200) firstOkMs = performance.now() - spawnedAt;
    else await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  const pid = child.pid as number;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid,
    firstOkMs,
    rssBytes: () => treeRssBytes(pid),
    cpuSeconds: () => treeCpuSeconds(pid),
    stop,
    output,
    ask: (message, askTimeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        if (options.ipc !== true) return reject(new Error(`${name} was started without an IPC channel`));
        const timer = setTimeout(() => {
          child.off("message", onMessage);
          reject(new Error(`${name} did not answer ${JSON.stringify(message)} within ${askTimeoutMs} ms`));
        }, askTimeoutMs);
        const onMessage = (reply: unknown) => {
          clearTimeout(timer);
          resolve(reply);
        };
        child.once("message", onMessage);
        child.send(message as Parameters<ChildProcess["send"]>[0]);
      }),
  };
}

function readHead(file: string, bytes: number): string {
  try {
    const fd = openSync(file, "r");
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    closeSync(fd);
    return buffer.subarray(0, n).toString("utf8");
  } catch {
    return "";
  }
}

/** A process's resident set size now and at its peak, in MB, from /proc (Linux); `ps` elsewhere (no peak then). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number | undefined } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  } catch {
    try {
      const out = execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" });
      return { rssMb: Number(out.trim()) / 1024, peakMb: undefined };
    } catch {
      return undefined;
    }
  }
}

// Linux reports utime and stime in clock ticks, 100 per second on every common configuration.
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process in seconds, from /proc/<pid>/stat; undefined where there is no /proc. */
export function cpuSecondsOf(pid: number): number | undefined {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the name.
  return fields === undefined ? undefined : (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** The process and every living descendant, from the parent PIDs in /proc (a wrapper may run the real server as its child). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && tree.length < 10_000) {
    const next = queue.shift() as number;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** CPU seconds of a process and its living descendants; undefined when the process itself cannot be read. */
export function treeCpuSeconds(pid: number): number | undefined {
  const own = cpuSecondsOf(pid);
  if (own === undefined) return undefined;
  return processTree(pid)
    .slice(1)
    .reduce((sum, child) => sum + (cpuSecondsOf(child) ?? 0), own);
}

/** RSS of a process and its living descendants, in bytes. */
export function treeRssBytes(pid: number): number | undefined {
  const own = memoryOf(pid);
  if (own === undefined) return undefined;
  const mb = processTree(pid)
    .slice(1)
    .reduce((sum, child) => sum + (memoryOf(child)?.rssMb ?? 0), own.rssMb);
  return mb * 2 ** 20;
}
