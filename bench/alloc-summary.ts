/**
 * The arithmetic of `npm run bench:alloc` (bench/alloc.ts): what the agent's sampling heap
 * profile and GC profile say per function, per area and in all. Pure functions.
 */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}
export interface GcEntry {
  gcType: string;
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}
export interface AgentOutput {
  profile: { head: SamplingNode };
  gc?: { statistics: GcEntry[] };
  usedAtStart: number;
  usedAtEnd: number;
}

/** Where a frame's code lives: this project's modules, a package, Node's own JS, or V8/native. */
export function areaOf(url: string): string {
  if (url === "") return "(V8 / native)";
  if (url.startsWith("node:")) return "Node internals";
  const pkg = /node_modules\/(?!\.cache)((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) return pkg;
  const own = /\/(mock|client|testing|generated|bench)\/[^/]+$/.exec(url);
  return own === null ? url : `this project's ${own[1]}/`;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, "").replace(/.*node_modules\/\.cache\/[^/]+\//, "").replace(/.*node_modules\//, "");
}

/** Self bytes per function and per area, summed over the profile tree. */
export function summarize(head: SamplingNode): { total: number; functions: Map<string, number>; areas: Map<string, number> } {
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  const stack = [head];
  while (stack.length > 0) {
    const node = stack.pop() as SamplingNode;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    total += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"} ${url === "" ? "" : `${shortUrl(url)}:${lineNumber + 1}`}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + node.selfSize);
    const area = areaOf(url);
    areas.set(area, (areas.get(area) ?? 0) + node.selfSize);
  }
  return { total, functions, areas };
}

/** Bytes allocated by GC accounting: what each GC found in use beyond what the previous one left. */
export function allocatedFromGcs(entries: readonly GcEntry[], usedAtStart: number, usedAtEnd: number): number {
  let allocated = 0;
  let previous = usedAtStart;
  for (const entry of entries) {
    allocated += Math.max(0, entry.beforeGC.heapStatistics.usedHeapSize - previous);
    previous = entry.afterGC.heapStatistics.usedHeapSize;
  }
  return allocated + Math.max(0, usedAtEnd - previous);
}

