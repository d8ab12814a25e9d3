/**
 * The benchmark's output: the markdown table (printed, and written to bench/RESULTS.md for the
 * README) and the machine-readable bench/results.json. Pure formatting; no measuring here.
 */
import type { LoadFigures } from "./load.js";

/** One load scenario's row. */
export interface ScenarioResult {
  id: string;
  label: string;
  figures: LoadFigures;
  /** req/s divided by the bare node:http server's, in the same run. */
  ratioToBare?: number;
  /** req/s divided by Prism's, in the same run. */
  ratioToPrism?: number;
  /** Resident set size of the server process after its run, in MB. */
  rssMb?: number;
  /** Requests that server process answered in all (warm-up included). */
  servedRequests?: number;
  /**
   * The server process's CPU time (user + system) per request over the measured seconds, in µs:
   * steadier than req/s when other work shares the machine.
   */
  cpuMicrosPerRequest?: number;
}

/** Spawn-to-first-200 of one way of starting a server. */
export interface StartupResult {
  label: string;
  /** Each attempt, in ms. */
  samplesMs: number[];
  medianMs: number;
}

/** A target of issue 6 and whether this run met it. */
export interface TargetResult {
  target: string;
  measured: string;
  /** Undefined when this run did not measure it (then `measured` says where it is measured). */
  met: boolean | undefined;
}

/** Everything one run measured. */
export interface BenchResults {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  mockRunner: string;
  scenarios: ScenarioResult[];
  startup: StartupResult[];
  targets: TargetResult[];
  notes: string[];
}

/** The results as markdown: a header line, the load table, start-up times and targets. */
export function toMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Measured ${results.date} on Node ${results.node}, ${results.cpus} cores (${results.cpuModel}), ${results.platform}; ` +
      `autocannon in the same machine, ${results.connections} connections, ${results.warmupSeconds} s warm-up then ${results.seconds} s; ` +
      `mock run as \`${results.mockRunner}\`.`,
  );
  lines.push("");
  lines.push("| scenario | req/s | p50 ms | p99 ms | × bare | × Prism | server CPU µs/req | RSS after | statuses |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const s of results.scenarios) {
    const f = s.figures;
    const statuses = Object.entries(f.statuses)
      .map(([code, n]) => `${code}: ${n}`)
      .join(", ");
    lines.push(
      `| ${s.label} | ${f.reqPerSec} | ${f.p50Ms.toFixed(3)} | ${f.p99Ms.toFixed(3)} | ${ratio(s.ratioToBare)} | ${ratio(s.ratioToPrism)} | ` +
        `${s.cpuMicrosPerRequest ?? "–"} | ` +
        `${s.rssMb === undefined ? "–" : `${s.rssMb.toFixed(0)} MB`} | ${statuses}${f.errors > 0 ? `, errors: ${f.errors}` : ""} |`,
    );
  }
  lines.push("");
  lines.push("| start to first 200 over a socket | median | samples |");
  lines.push("|---|---:|---|");
  for (const s of results.startup) {
    lines.push(`| ${s.label} | ${s.medianMs.toFixed(0)} ms | ${s.samplesMs.map((ms) => ms.toFixed(0)).join(", ")} |`);
  }
  lines.push("");
  lines.push("| target | measured | met |");
  lines.push("|---|---|---|");
  for (const t of results.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? "–" : t.met ? "yes" : "**no**"} |`);
  if (results.notes.length > 0) {
    lines.push("");
    for (const note of results.notes) lines.push(`- ${note}`);
  }
  return `${lines.join("\n")}\n`;
}

function ratio(value: number | undefined): string {
  return value === undefined ? "–" : `${value.toFixed(2)}`;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
