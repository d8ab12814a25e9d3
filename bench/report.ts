/**
 * The benchmark's output: bench/RESULTS.md (printed too) and the machine-readable
 * bench/results.json. Types and pure formatting; no measuring here.
 */

/** One measured run of a load scenario. */
export interface Measurement {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /**
   * Server CPU time (user + system, the server process and its descendants, from /proc) over the
   * measured seconds, per request, in µs: steadier than req/s when other work shares the machine.
   */
  cpuMicrosPerRequest?: number;
  /** RSS of the server process tree right after this run, MB. */
  rssMb?: number;
  /** Answers of another status class than expected (wrk tells 2xx/3xx from the rest only), plus socket errors. */
  unexpected: number;
}

/** A round's run, or why it has none. */
export type RoundEntry = Measurement | { error: string };

/** A scenario across the rounds. */
export interface RoundRow {
  id: string;
  label: string;
  server: string;
  expectStatus: number;
  /** One entry per round; a round that did not run this scenario (a cold row after round 1) has none. */
  rounds: Array<RoundEntry | undefined>;
  /** Spawn to the first 200 per round, ms (undefined where the process was kept from an earlier round). */
  firstOkMs: Array<number | undefined>;
}

/** A scenario in the interleaved slices. */
export interface InterleavedRow {
  id: string;
  label: string;
  expectStatus: number;
  slices: Measurement[];
  errors: string[];
  /** Medians over the slices. */
  median?: { reqPerSec: number; p50Ms: number; p99Ms: number; cpuMicrosPerRequest?: number };
  rssMb?: number;
}

export interface InProcessRow {
  id: string;
  label: string;
  calls: number;
  /** µs per call, per run. */
  runs: number[];
  medianMicros?: number;
  answer?: string;
  error?: string;
}

export interface StartupRow {
  id: string;
  label: string;
  samplesMs: number[];
  medianMs?: number;
}

export interface SkippedTarget {
  id: string;
  label: string;
  reason: string;
  install: string;
}

export interface TargetResult {
  target: string;
  measured: string;
  /** Undefined when this run could not judge it (a peer skipped, or measured elsewhere). */
  met: boolean | undefined;
}

import { storesTable, type StoreRow } from "./stores.js";

/** Everything one run measured. */
export interface BenchResults {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  loadTool: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  slices: number;
  sliceSeconds: number;
  inProcessCalls: number;
  inProcessRuns: number;
  mockRunner: string;
  durationSeconds: number;
  socket: RoundRow[];
  interleaved: InterleavedRow[];
  inProcess: InProcessRow[];
  startup: StartupRow[];
  skipped: SkippedTarget[];
  /** The mock on each state store, in this run (bench/stores.ts); absent when BENCH_ONLY left it out. */
  stores?: StoreRow[];
  targets: TargetResult[];
  notes: string[];
}

/** The median of a list; undefined when it is empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function isMeasurement(entry: RoundEntry | undefined): entry is Measurement {
  return entry !== undefined && !("error" in entry);
}

/** Thousands as `12.3 k`, smaller as is. */
export function formatRate(reqPerSec: number): string {
  return reqPerSec >= 1000 ? `${(reqPerSec / 1000).toFixed(1)} k` : `${Math.round(reqPerSec)}`;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const perRound = (row: RoundRow, pick: (m: Measurement) => string): string =>
  row.rounds.map((entry) => (entry === undefined ? "" : isMeasurement(entry) ? pick(entry) : "failed")).filter((s) => s !== "").join(" / ") || "–";

function answers(row: RoundRow): string {
  const runs = row.rounds.filter(isMeasurement);
  const failed = row.rounds.filter((e): e is { error: string } => e !== undefined && "error" in e);
  const bad = runs.reduce((sum, m) => sum + m.unexpected, 0);
  const parts = [bad === 0 ? `all ${row.expectStatus}` : `${bad} not ${row.expectStatus}`];
  for (const f of failed) parts.push(`failed: ${f.error.split("\n")[0]?.slice(0, 120)}`);
  return parts.join("; ");
}

/** The main table: one row per scenario over a socket, each figure per round; a skipped server says so, with its install command. */
export function socketTable(rows: readonly RoundRow[], skipped: readonly SkippedTarget[] = []): string[] {
  const lines = [
    "| target | req/s | p50 ms | p99 ms | server CPU µs/req | RSS after MB | first 200 ms | answers |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const first = row.firstOkMs.filter((v): v is number => v !== undefined).map((v) => Math.round(v).toString()).join(" / ") || "(kept)";
    lines.push(
      `| ${row.label} | ${perRound(row, (m) => formatRate(m.reqPerSec))} | ${perRound(row, (m) => ms(m.p50Ms))} | ${perRound(row, (m) => ms(m.p99Ms))} | ` +
        `${perRound(row, (m) => (m.cpuMicrosPerRequest === undefined ? "?" : String(m.cpuMicrosPerRequest)))} | ` +
        `${perRound(row, (m) => (m.rssMb === undefined ? "?" : m.rssMb.toFixed(0)))} | ${first} | ${answers(row)} |`,
    );
  }
  for (const s of skipped) lines.push(`| ${s.label} | skipped | | | | | | ${s.reason}: \`${s.install}\` |`);
  return lines;
}

/** The results as markdown: header, main table, interleaved medians, in-process, start-up, targets. */
export function toMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push("# Benchmark results", "");
  lines.push(
    `Measured ${r.date} on Node ${r.node}, ${r.cpus} cores (${r.cpuModel}), ${r.platform}, in ${Math.round(r.durationSeconds)} s. ` +
      `Load: ${r.loadTool}, ${r.connections} connections, on the same machine as the servers, to 127.0.0.1 only. ` +
      `Mock run as \`${r.mockRunner}\`. Written by \`npm run bench\`; what the figures mean and what the profiles showed: bench/NOTES.md.`,
  );
  lines.push("");
  lines.push(`## Over a socket, ${r.rounds} ${r.rounds === 1 ? "round" : "rounds"}`, "");
  lines.push(
    `Each server spawned anew per round, ${r.warmupSeconds} s of warm-up load, then ${r.seconds} s measured; ` +
      `figures are ${Array.from({ length: r.rounds }, (_, i) => `round ${i + 1}`).join(" / ")}. ` +
      "A server kept from an earlier round shows `(kept)` for its first 200.",
    "",
  );
  lines.push(...socketTable(r.socket, r.skipped));
  lines.push("");
  lines.push(`## Interleaved: servers started once, ${r.slices} slices of ${r.sliceSeconds} s in turn, medians`, "");
  lines.push("The ratios below are computed from these medians: every target sees the same minutes of a shared machine.", "");
  lines.push("| target | req/s | p50 ms | p99 ms | server CPU µs/req | req/s per slice (min – max) | RSS after MB | answers |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const row of r.interleaved) {
    const m = row.median;
    const rates = row.slices.map((s) => s.reqPerSec);
    const bad = row.slices.reduce((sum, s) => sum + s.unexpected, 0);
    const answersText = [bad === 0 ? `all ${row.expectStatus}` : `${bad} not ${row.expectStatus}`, ...row.errors.map((e) => `failed: ${e.slice(0, 120)}`)].join("; ");
    lines.push(
      m === undefined
        ? `| ${row.label} | – | – | – | – | – | – | ${answersText} |`
        : `| ${row.label} | ${formatRate(m.reqPerSec)} | ${ms(m.p50Ms)} | ${ms(m.p99Ms)} | ${m.cpuMicrosPerRequest ?? "?"} | ` +
            `${formatRate(Math.min(...rates))} – ${formatRate(Math.max(...rates))} | ${row.rssMb?.toFixed(0) ?? "?"} | ${answersText} |`,
    );
  }
  lines.push("");
  lines.push(`## In-process, per call: median of ${r.inProcessRuns} runs of ${r.inProcessCalls.toLocaleString("en")} calls`, "");
  lines.push("| row | µs per call | runs | answer |");
  lines.push("|---|---:|---|---|");
  for (const row of r.inProcess) {
    lines.push(
      row.error !== undefined
        ? `| ${row.label} | – | failed: ${row.error.slice(0, 160)} | |`
        : `| ${row.label} | ${row.medianMicros?.toFixed(1) ?? "–"} | ${row.runs.map((v) => v.toFixed(1)).join(", ")} | \`${(row.answer ?? "").slice(0, 60)}\` |`,
    );
  }
  lines.push("");
  if (r.stores !== undefined) {
    lines.push(`## State stores: in memory and on Redis, ${r.rounds} ${r.rounds === 1 ? "round" : "rounds"}`, "");
    lines.push(
      `The mock's 200 path on each store, the mocks spawned anew per round, ${r.warmupSeconds} s of warm-up, then ${r.seconds} s measured, ` +
        `${r.connections} connections in all (split evenly between two replicas); mock CPU is every replica's, Redis CPU is redis-server's, ` +
        "both per request. What the Redis store costs and why: docs/replicas.md, bench/REDIS.md.",
      "",
    );
    lines.push(...storesTable(r.stores));
    lines.push("");
  }
  lines.push("## Start-up: spawn to the first 200 over a socket", "");
  lines.push("| server | median ms | samples ms |");
  lines.push("|---|---:|---|");
  for (const row of r.startup) lines.push(`| ${row.label} | ${row.medianMs === undefined ? "–" : Math.round(row.medianMs)} | ${row.samplesMs.map((v) => Math.round(v)).join(", ")} |`);
  lines.push("");
  lines.push("## Targets of issue 17, from this run", "");
  lines.push("| target | measured | met |");
  lines.push("|---|---|---|");
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? "not judged" : t.met ? "met" : "**not met**"} |`);
  if (r.skipped.length > 0) {
    lines.push("", "## Skipped", "");
    for (const s of r.skipped) lines.push(`- ${s.label}: ${s.reason}. Install with \`${s.install}\`, then run \`npm run bench\` again.`);
  }
  if (r.notes.length > 0) {
    lines.push("", "## Notes", "");
    for (const note of r.notes) lines.push(`- ${note}`);
  }
  return `${lines.join("\n")}\n`;
}
