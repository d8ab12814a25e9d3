/**
 * Child processes of the benchmark: each server under test runs in its own process, started on a
 * port picked here, ready once it answers a real request with 200, and always stopped again
 * (on success, on failure and on Ctrl-C), so a bench run never leaves a server behind.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { freePort } from "../test/support/free-port.js";

/** What to send to learn that a server is up: the request the load will send. */
export interface Probe {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A server process under test. */
export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Spawn to the first 200 answered over a socket, in ms. */
  readonly firstOkMs: number;
  /** Resident set size now (VmRSS of /proc/<pid>/status), in bytes; undefined off Linux. */
  rssBytes(): number | undefined;
  /** CPU time the process has used so far (user + system), in seconds; undefined where there is no /proc. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let handlersInstalled = false;

// Whatever ends the bench, no server it started outlives it.
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill("SIGKILL");
    running.clear();
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** One POST over a fresh connection; resolves with the status, or undefined when nothing answers. */
function probeOnce(port: number, probe: Probe): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: probe.path, headers: probe.headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", () => resolve(undefined));
    req.setTimeout(2_000, () => req.destroy());
    req.end(probe.body);
  });
}

/** Options of {@link startServer}. */
export interface StartOptions {
  name: string;
  /** The program and its arguments; `{port}` in an argument is replaced by the chosen port. */
  command: string;
  args: string[];
  cwd: string;
  probe: Probe;
  /** Give up after this long. Default 60 s (Prism can take a while to load). */
  timeoutMs?: number;
  /** How often to try a request while the server starts. Default 5 ms. */
  pollMs?: number;
}

/**
 * Spawns a server on a free port and polls it with `probe` until it answers 200; the time from
 * spawn to that answer is `firstOkMs`. Rejects (after killing it) when it exits or times out.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  installExitHandlers();
  const { name, probe, timeoutMs = 60_000, pollMs = 5 } = options;
  const port = await freePort();
  const args = options.args.map((arg) => arg.replaceAll("{port}", String(port)));
  const spawnedAt = performance.now();
  const child = spawn(options.command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    // Only the start is worth showing if it fails; a silent server writes nothing later anyway.
    if (output.length < 4_000) output += chunk.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), running.delete(child), resolve())));

  const stop = async (graceMs = 3_000): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exit;
    clearTimeout(timer);
  };

  let firstOkMs: number | undefined;
  let lastStatus: number | undefined;
  while (firstOkMs === undefined) {
    if (exited) throw new Error(`${name} exited before answering:\n${output}`);
    if (performance.now() - spawnedAt > timeoutMs) {
      await stop(0);
      throw new Error(`${name} did not answer 200 within ${timeoutMs} ms (last status ${lastStatus ?? "none"}):\n${output}`);
    }
    lastStatus = await probeOnce(port, probe);
    if (lastStatus === 200) firstOkMs = performance.now() - spawnedAt;
    else await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  const pid = child.pid as number;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid,
    firstOkMs,
    rssBytes: () => {
      const memory = memoryOf(pid);
      return memory === undefined ? undefined : memory.rssMb * 2 ** 20;
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    stop,
  };
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

/** User + system CPU time of a process in seconds, from /proc/<pid>/stat; undefined where there is no /proc. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
