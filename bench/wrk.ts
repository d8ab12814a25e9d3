/**
 * wrk (Debian's `wrk` package) as the bench's load generator: a C program on its own thread, so
 * it takes far less of the shared cores than autocannon in the bench's Node process. A Lua script
 * sets the request and prints the summary as one JSON line when wrk is done.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runToEnd } from "./processes.js";

export const WRK = "/usr/bin/wrk";
export const WRK_INSTALL = "apt-get install wrk";

/** The wrk version line, or undefined when wrk is not installed. */
export function wrkVersion(): string | undefined {
  if (!existsSync(WRK)) return undefined;
  // `wrk -v` prints its version and usage and exits 1.
  const out = spawnSync(WRK, ["-v"], { encoding: "utf8", timeout: 5_000 });
  return /^wrk \S+/.exec(out.stdout ?? "")?.[0];
}

/** A request as wrk sends it. */
export interface WrkRequest {
  method: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** What one wrk run reports (its done() callback). */
export interface WrkSummary {
  requests: number;
  durationUs: number;
  /** Responses with a status that is not 2xx or 3xx. */
  non2xx: number;
  /** Connect, read and write errors and timeouts. */
  socketErrors: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

function luaString(text: string): string {
  return `"${text.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

const MARK = "WRK_JSON ";

/** The Lua script for a request: sets it and prints the summary as a `WRK_JSON {...}` line. */
export function wrkScript(request: WrkRequest): string {
  const lines = [`wrk.method = ${luaString(request.method)}`, `wrk.body = ${luaString(request.body)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  lines.push(
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    `  io.write(string.format('\\n${MARK}{"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',`,
    "    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,",
    "    latency:percentile(50), latency:percentile(99), latency.max))",
    "end",
  );
  return `${lines.join("\n")}\n`;
}

/** The summary line of wrk's output; throws when it is missing or malformed. */
export function parseWrkOutput(stdout: string): WrkSummary {
  const line = stdout.split("\n").find((l) => l.startsWith(MARK));
  if (line === undefined) throw new Error(`wrk printed no summary: ${stdout.trim().slice(0, 500)}`);
  const value = JSON.parse(line.slice(MARK.length)) as Record<string, unknown>;
  const keys = ["requests", "durationUs", "non2xx", "socketErrors", "p50Us", "p99Us", "maxUs"] as const;
  for (const key of keys) if (typeof value[key] !== "number") throw new Error(`wrk summary without ${key}: ${line}`);
  return value as unknown as WrkSummary;
}

/** Options of {@link runWrk}. */
export interface WrkOptions {
  url: string;
  path: string;
  request: WrkRequest;
  connections: number;
  threads: number;
  /** Whole seconds: wrk takes no fractions. */
  seconds: number;
  /** Where the Lua script is written. */
  scriptDir: string;
}

/** One wrk run to its end (killed by its PID if it overruns its duration by 30 s). */
export async function runWrk(options: WrkOptions): Promise<WrkSummary> {
  const seconds = Math.max(1, Math.round(options.seconds));
  const script = join(options.scriptDir, `wrk-${hash(wrkScript(options.request))}.lua`);
  if (!existsSync(script)) writeFileSync(script, wrkScript(options.request));
  const stdout = await runToEnd(
    WRK,
    ["-t", String(options.threads), "-c", String(options.connections), "-d", `${seconds}s`, "--timeout", "5s", "-s", script, `${options.url}${options.path}`],
    { timeoutMs: (seconds + 30) * 1000 },
  );
  return parseWrkOutput(stdout);
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
