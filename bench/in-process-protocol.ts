/**
 * What the bench and its in-process child (bench/in-process.ts) say to each other: the rows, and
 * the one JSON line the child prints.
 */

export const IN_PROCESS_ROWS = ["bare", "mock-fetch", "client", "msw"] as const;
export type InProcessRowId = (typeof IN_PROCESS_ROWS)[number];

/** The child's last line of stdout. */
export interface InProcessOutput {
  row: InProcessRowId;
  calls: number;
  /** µs per call, one figure per run. */
  runsMicrosPerCall: number[];
  /** What the last call answered, e.g. `200 {"status":"OK",...}`: proof that the row did the work. */
  answer: string;
  /** Package version where the row measures someone else's code (MSW). */
  version?: string;
}

export function isInProcessRow(value: string): value is InProcessRowId {
  return (IN_PROCESS_ROWS as readonly string[]).includes(value);
}

/** The child's output checked field by field; throws on anything else. */
export function parseInProcessOutput(line: string): InProcessOutput {
  const value: unknown = JSON.parse(line);
  if (typeof value !== "object" || value === null) throw new Error(`not an object: ${line}`);
  const o = value as Record<string, unknown>;
  const runs = o.runsMicrosPerCall;
  if (typeof o.row !== "string" || !isInProcessRow(o.row)) throw new Error(`bad row in ${line}`);
  if (typeof o.calls !== "number" || !Array.isArray(runs) || !runs.every((r) => typeof r === "number")) throw new Error(`bad figures in ${line}`);
  if (typeof o.answer !== "string") throw new Error(`no answer in ${line}`);
  return {
    row: o.row,
    calls: o.calls,
    runsMicrosPerCall: runs as number[],
    answer: o.answer,
    ...(typeof o.version === "string" ? { version: o.version } : {}),
  };
}
