/**
 * One load run of the benchmark: a fixed number of connections, a warm-up whose figures are thrown
 * away, then the measured run; with wrk when it is installed ({@link measureLoad}), else autocannon
 * in this process ({@link runLoad}). With autocannon, latency percentiles come from every
 * response's own time (sub-millisecond), not from its histogram, which holds whole milliseconds only.
 */
import autocannon from "autocannon";
import { runWrk } from "./wrk.js";

/** What to send: one POST. */
export interface LoadRequest {
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  url: string;
  request: LoadRequest;
  /** Default 16. */
  connections?: number;
  /** Seconds of warm-up, not measured. Default 2. */
  warmupSeconds?: number;
  /** Seconds measured. Default 10. */
  seconds?: number;
  /** Instead of `seconds`: a number of requests to send (the measured run then ends with it). */
  amount?: number;
  /** Called when the measured run starts and when it ends (after the warm-up), e.g. to read the server's CPU time. */
  onMeasured?: (phase: "start" | "end") => void;
}

/** The figures of one measured run. */
export interface LoadFigures {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses whose status is not 2xx or 3xx. */
  non2xx: number;
  /** Responses per status code, e.g. `{ "200": 120000 }`, where the tool counts them (autocannon; wrk does not). */
  statuses?: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** Requests sent during the warm-up (not in the figures above). */
  warmupRequests: number;
}

/** Runs the warm-up, then the measured load; resolves with the measured figures. */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { connections = 16, warmupSeconds = 2, seconds = 10, amount } = options;
  const base = {
    url: options.url,
    method: "POST",
    connections,
    timeout: 10,
    ...requestShape(options.request),
  };
  const warmup = warmupSeconds > 0 ? await autocannon({ ...base, duration: warmupSeconds }) : undefined;

  let times = new Float64Array(1 << 18);
  let count = 0;
  options.onMeasured?.("start");
  const instance = autocannon(amount === undefined ? { ...base, duration: seconds } : { ...base, amount });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[count++] = responseTimeMs;
  });
  const result = await instance;
  options.onMeasured?.("end");
  const sorted = times.subarray(0, count).sort();
  const at = (q: number) => round3(sorted[Math.min(count - 1, Math.floor(q * count))] ?? Number.NaN);
  const statuses: Record<string, number> = {};
  for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statuses[code] = n;
  // autocannon's own `duration` is the wall time of the run in seconds.
  const elapsed = result.duration > 0 ? result.duration : (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: count,
    seconds: Math.round(elapsed * 100) / 100,
    reqPerSec: Math.round(count / elapsed),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: round3(sorted[count - 1] ?? Number.NaN),
    non2xx: result.non2xx,
    statuses,
    errors: result.errors + result.timeouts,
    warmupRequests: warmup === undefined ? 0 : Object.values(warmup.statusCodeStats).reduce((sum, s) => sum + s.count, 0),
  };
}

function requestShape(request: LoadRequest): { headers: Record<string, string>; body: string; requests: Array<{ method: string; path: string; headers: Record<string, string>; body: string }> } {
  const headers = { ...request.headers };
  return { headers, body: request.body, requests: [{ method: "POST", path: request.path, headers, body: request.body }] };
}

/** The load generator of a bench run. */
export type LoadTool = { kind: "wrk"; scriptDir: string; threads: number } | { kind: "autocannon" };

/** Options of {@link measureLoad}. */
export interface MeasureOptions {
  tool: LoadTool;
  url: string;
  request: LoadRequest;
  connections: number;
  /** Seconds of load before the measured run; 0 for none. */
  warmupSeconds: number;
  seconds: number;
  /** Called right before and right after the measured run, e.g. to read the server's CPU time. */
  onMeasured?: (phase: "start" | "end") => void;
}

/** A warm-up and a measured run with the bench's load generator. */
export async function measureLoad(options: MeasureOptions): Promise<LoadFigures> {
  const { tool, url, request, connections } = options;
  if (tool.kind === "autocannon") {
    return runLoad({ url, request, connections, warmupSeconds: options.warmupSeconds, seconds: options.seconds, ...(options.onMeasured ? { onMeasured: options.onMeasured } : {}) });
  }
  const wrk = (seconds: number) =>
    runWrk({ url, path: request.path, request: { method: "POST", headers: request.headers, body: request.body }, connections, threads: tool.threads, seconds, scriptDir: tool.scriptDir });
  const warmup = options.warmupSeconds > 0 ? await wrk(options.warmupSeconds) : undefined;
  options.onMeasured?.("start");
  const run = await wrk(options.seconds);
  options.onMeasured?.("end");
  const seconds = run.durationUs / 1e6;
  return {
    requests: run.requests,
    seconds: Math.round(seconds * 100) / 100,
    reqPerSec: Math.round(run.requests / seconds),
    p50Ms: run.p50Us / 1000,
    p99Ms: run.p99Us / 1000,
    maxMs: run.maxUs / 1000,
    non2xx: run.non2xx,
    errors: run.socketErrors,
    warmupRequests: warmup?.requests ?? 0,
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
