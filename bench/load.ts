/**
 * One load run of the benchmark: autocannon with a fixed number of connections, a warm-up whose
 * figures are thrown away, then the measured run. Latency percentiles come from every response's
 * own time (sub-millisecond), not from autocannon's histogram, which holds whole milliseconds only.
 */
import autocannon, { type RequestOptions } from "autocannon";

/** What to send: one request, or a sequence cycled per connection (each may rewrite itself). */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** When set, called before every request to pick its path (e.g. rotate businesses). */
  nextPath?: () => string;
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
  /** Responses per status code, e.g. `{ "200": 120000 }`. */
  statuses: Record<string, number>;
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
    statuses,
    errors: result.errors + result.timeouts,
    warmupRequests: warmup === undefined ? 0 : Object.values(warmup.statusCodeStats).reduce((sum, s) => sum + s.count, 0),
  };
}

function requestShape(request: LoadRequest): { path?: string; headers: Record<string, string>; body: string; requests?: RequestOptions[] } {
  const { nextPath, headers, body, path } = request;
  if (nextPath === undefined) return { headers, body, requests: [{ method: "POST", path, headers, body }] };
  return {
    headers,
    body,
    requests: [{ method: "POST", headers, body, setupRequest: (req) => ({ ...req, path: nextPath() }) }],
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
