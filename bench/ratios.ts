/**
 * The targets of issue 17 judged from one run's figures: pure functions of the results, so every
 * "met" is computed, never written down. Ratios come from the interleaved medians (every target
 * under the same minutes of a shared machine); the rounds' own ratios are shown beside them.
 */
import { formatRate, isMeasurement, median, type InProcessRow, type InterleavedRow, type Measurement, type RoundRow, type SkippedTarget, type StartupRow, type TargetResult } from "./report.js";

export interface TargetInputs {
  socket: readonly RoundRow[];
  interleaved: readonly InterleavedRow[];
  startup: readonly StartupRow[];
  inProcess: readonly InProcessRow[];
  skipped: readonly SkippedTarget[];
}

type Pick = (m: Measurement) => number | undefined;
const RATE: Pick = (m) => m.reqPerSec;
const CPU: Pick = (m) => m.cpuMicrosPerRequest;
const P99: Pick = (m) => m.p99Ms;

/** Ids of the rows the targets compare (bench/targets.ts). */
export const IDS = { mock: "mock", hono: "hono", bare: "bare", wiremock: "wiremock", prism: "prism" } as const;

export const ERROR_PATHS: ReadonlyArray<{ id: string; what: string }> = [
  { id: "mock-420", what: "420 (quota-bound)" },
  { id: "mock-400", what: "400 (bad body)" },
  { id: "mock-403", what: "403 (unknown token)" },
];

function interleavedFigure(inputs: TargetInputs, id: string, pick: Pick): number | undefined {
  const row = inputs.interleaved.find((r) => r.id === id);
  if (row === undefined) return undefined;
  const values = row.slices.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return median(values);
}

function roundFigures(inputs: TargetInputs, id: string, pick: Pick): Array<number | undefined> {
  const row = inputs.socket.find((r) => r.id === id);
  return row === undefined ? [] : row.rounds.map((entry) => (isMeasurement(entry) ? pick(entry) : undefined));
}

/** Why a row has no figures: its server was skipped (with the install command), or it was not measured. */
function absent(inputs: TargetInputs, ...ids: string[]): string {
  for (const id of ids) {
    const skipped = inputs.skipped.find((s) => id === s.id || id.startsWith(`${s.id}-`));
    if (skipped !== undefined) return `not measured: ${skipped.label} skipped (${skipped.reason}; \`${skipped.install}\`)`;
  }
  return `not measured: no figures for ${ids.join(", ")}`;
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);

/** `a / b` judged against a bound, with the rounds' own ratios beside the interleaved one. */
function ratioTarget(
  inputs: TargetInputs,
  target: string,
  ids: [string, string],
  pick: Pick,
  unit: "req/s" | "µs/req",
  holds: (ratio: number) => boolean,
): TargetResult {
  const [a, b] = ids;
  const top = interleavedFigure(inputs, a, pick);
  const bottom = interleavedFigure(inputs, b, pick);
  if (top === undefined || bottom === undefined || bottom === 0) return { target, measured: absent(inputs, a, b), met: undefined };
  const ratio = top / bottom;
  const show = (v: number) => (unit === "req/s" ? formatRate(v) : fmt(v, 1));
  const ra = roundFigures(inputs, a, pick);
  const rb = roundFigures(inputs, b, pick);
  const rounds = ra
    .map((v, i) => (v === undefined || rb[i] === undefined || rb[i] === 0 ? undefined : v / (rb[i] as number)))
    .filter((v): v is number => v !== undefined)
    .map((v) => fmt(v));
  return {
    target,
    measured: `${fmt(ratio)} × (${show(top)} vs ${show(bottom)} ${unit}${rounds.length > 0 ? `; rounds ${rounds.join(", ")} ×` : ""})`,
    met: holds(ratio),
  };
}

/** Every target of the issue, in its order. */
export function judgeTargets(inputs: TargetInputs): TargetResult[] {
  const { mock, hono, bare, wiremock, prism } = IDS;
  const targets: TargetResult[] = [
    ratioTarget(inputs, "throughput ≥ 0.8 × the minimal Hono route", [mock, hono], RATE, "req/s", (r) => r >= 0.8),
    ratioTarget(inputs, "server CPU per request ≤ 1.3 × the minimal Hono route's", [mock, hono], CPU, "µs/req", (r) => r <= 1.3),
    ratioTarget(inputs, "throughput ≥ WireMock after its warm-up", [mock, wiremock], RATE, "req/s", (r) => r >= 1),
    ratioTarget(inputs, "throughput ≥ 8 × Prism", [mock, prism], RATE, "req/s", (r) => r >= 8),
  ];

  const p99 = interleavedFigure(inputs, mock, P99);
  const p99Rounds = roundFigures(inputs, mock, P99).filter((v): v is number => v !== undefined);
  targets.push(
    p99 === undefined
      ? { target: "p99 ≤ 2 ms at 16 connections", measured: absent(inputs, mock), met: undefined }
      : { target: "p99 ≤ 2 ms at 16 connections", measured: `${fmt(p99)} ms (median of the slices; rounds ${p99Rounds.map((v) => fmt(v)).join(", ")} ms)`, met: p99 <= 2 },
  );

  const startMock = inputs.startup.find((s) => s.id === mock)?.medianMs;
  const startBare = inputs.startup.find((s) => s.id === bare)?.medianMs;
  targets.push(
    startMock === undefined || startBare === undefined || startBare === 0
      ? { target: "first 200 over a socket ≤ 1.5 × bare node's", measured: absent(inputs, mock, bare), met: undefined }
      : {
          target: "first 200 over a socket ≤ 1.5 × bare node's",
          measured: `${fmt(startMock / startBare)} × (${Math.round(startMock)} vs ${Math.round(startBare)} ms, medians of the start-up samples)`,
          met: startMock / startBare <= 1.5,
        },
  );

  const fetchRow = inputs.inProcess.find((r) => r.id === "mock-fetch")?.medianMicros;
  const bareRow = inputs.inProcess.find((r) => r.id === "bare")?.medianMicros;
  targets.push(
    fetchRow === undefined || bareRow === undefined || bareRow === 0
      ? { target: "in-process createMockFetch ≤ 2 × the bare Fetch round trip", measured: "not measured: an in-process row failed", met: undefined }
      : {
          target: "in-process createMockFetch ≤ 2 × the bare Fetch round trip",
          measured: `${fmt(fetchRow / bareRow)} × (${fmt(fetchRow, 1)} vs ${fmt(bareRow, 1)} µs per call)`,
          met: fetchRow / bareRow <= 2,
        },
  );

  const okCpu = interleavedFigure(inputs, mock, CPU);
  const okRate = interleavedFigure(inputs, mock, RATE);
  for (const { id, what } of ERROR_PATHS) {
    const target = `${what} no slower per request than the 200 path (server CPU µs/req)`;
    const cpu = interleavedFigure(inputs, id, CPU);
    const rate = interleavedFigure(inputs, id, RATE);
    if (cpu === undefined || okCpu === undefined || okCpu === 0) {
      targets.push({ target, measured: absent(inputs, id, mock), met: undefined });
      continue;
    }
    const rateText = rate === undefined || okRate === undefined || okRate === 0 ? "" : `; req/s ${fmt(rate / okRate)} × the 200 path's`;
    targets.push({ target, measured: `${fmt(cpu / okCpu)} × (${fmt(cpu, 1)} vs ${fmt(okCpu, 1)} µs/req${rateText})`, met: cpu <= okCpu });
  }

  targets.push({
    target: "RSS ≤ 128 MB after 2 M requests, V8's default heap",
    measured: "not in this run: `npm run soak` measures it (2,000,000 requests)",
    met: undefined,
  });
  return targets;
}
