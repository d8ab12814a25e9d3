/**
 * A real redis-server for a test file: Debian's binary on a free port of 127.0.0.1, persistence
 * off, started and stopped by PID. `.ci/run` installs it; where it is missing the Redis tests skip,
 * except in CI (CI=true, or MOCK_REQUIRE_REDIS=1 as .ci/run sets), where they fail, loudly, so a
 * green CI always ran them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { freePort } from "./free-port.js";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "redis-server";

/** Whether redis-server runs here. */
export const haveRedis = spawnSync(REDIS_SERVER, ["--version"], { stdio: "ignore" }).status === 0;

/** Whether the Redis tests must run here: in CI (CI=true), and under .ci/run (MOCK_REQUIRE_REDIS=1). */
export const requireRedis = process.env.CI === "true" || process.env.MOCK_REQUIRE_REDIS === "1";

/** `describe.skipIf(skipRedis)`: skip without redis-server, never where they must run (then startRedisServer fails, saying why). */
export const skipRedis = !haveRedis && !requireRedis;

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** SIGSTOP: the process stays, its sockets open, and nothing is answered. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGKILL; resolves once it has exited. */
  kill(): Promise<void>;
  /** A new server on the same port (empty: no persistence), after kill(). */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL if it lingers); resolves once it has exited. */
  stop(): Promise<void>;
  /** CPU time the server has used so far (user + system), in ms, from /proc/<pid>/stat. */
  cpuMs(): number;
}

const READY = /Ready to accept connections/;

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (READY.test(output)) {
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = () => reject(new Error(`redis-server on port ${port} exited before it was ready: ${output}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", reject);
  });
  // Keep reading, so a full pipe never blocks the server.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, "exit");
}

/** Starts redis-server on a free port; resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  if (!haveRedis) {
    throw new Error(
      `${REDIS_SERVER} is not installed, and the Redis store's tests do not skip in CI (CI=true or MOCK_REQUIRE_REDIS=1): ` +
        "install it (apt-get install -y redis-server, as .ci/run does) or point REDIS_SERVER at the binary",
    );
  }
  const port = await freePort();
  let child = await launch(port);
  const pid = () => {
    if (child.pid === undefined) throw new Error("redis-server has no pid");
    return child.pid;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    get pid() {
      return pid();
    },
    pause: () => process.kill(pid(), "SIGSTOP"),
    resume: () => process.kill(pid(), "SIGCONT"),
    async kill() {
      process.kill(pid(), "SIGKILL");
      await ended(child);
    },
    async restart() {
      child = await launch(port);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A paused server would never act on SIGTERM.
      process.kill(pid(), "SIGCONT");
      process.kill(pid(), "SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await ended(child);
      clearTimeout(timer);
    },
    cpuMs: () => processCpuMs(pid()),
  };
}

/** CPU time (user + system) of a process, in ms, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}
