import { describe, expect, it } from "vitest";
import { allocatedFromGcs, areaOf } from "../bench/alloc-summary.js";
import { judgeTargets, type TargetInputs } from "../bench/ratios.js";
import { median, type InterleavedRow, type Measurement } from "../bench/report.js";
import { parseWrkOutput, wrkScript } from "../bench/wrk.js";

// The bench's pure helpers only; the bench itself never runs under `npm test`.

const run = (reqPerSec: number, cpuMicrosPerRequest: number, p99Ms = 1): Measurement => ({
  reqPerSec,
  cpuMicrosPerRequest,
  p50Ms: 0.5,
  p99Ms,
  maxMs: 5,
  requests: reqPerSec * 2,
  unexpected: 0,
});
const row = (id: string, ...slices: Measurement[]): InterleavedRow => ({ id, label: id, expectStatus: 200, slices, errors: [] });

function inputs(mockRate: number, mockCpu: number, overrides: Partial<TargetInputs> = {}): TargetInputs {
  return {
    socket: [],
    interleaved: [
      row("hono", run(30_000, 30), run(31_000, 31), run(29_000, 29)),
      row("mock", run(mockRate, mockCpu), run(mockRate, mockCpu), run(mockRate, mockCpu)),
      row("wiremock", run(20_000, 60)),
      row("prism", run(2_000, 450)),
      row("mock-420", run(mockRate, mockCpu - 1)),
      row("mock-400", run(mockRate, mockCpu + 1)),
      row("mock-403", run(mockRate, mockCpu)),
    ],
    startup: [
      { id: "bare", label: "bare", samplesMs: [100], medianMs: 100 },
      { id: "mock", label: "mock", samplesMs: [140], medianMs: 140 },
    ],
    inProcess: [
      { id: "bare", label: "bare", calls: 1, runs: [40], medianMicros: 40 },
      { id: "mock-fetch", label: "mock-fetch", calls: 1, runs: [100], medianMicros: 100 },
    ],
    skipped: [],
    ...overrides,
  };
}

const met = (targets: ReturnType<typeof judgeTargets>, prefix: string) => targets.find((t) => t.target.startsWith(prefix))?.met;

describe("bench targets are judged from the figures", () => {
  it("passes and fails each ratio on its bound", () => {
    const good = judgeTargets(inputs(27_000, 36));
    expect(met(good, "throughput ≥ 0.8")).toBe(true);
    expect(met(good, "server CPU per request")).toBe(true);
    expect(met(good, "throughput ≥ WireMock")).toBe(true);
    expect(met(good, "throughput ≥ 8 × Prism")).toBe(true);
    expect(met(good, "first 200")).toBe(true);
    expect(met(good, "in-process")).toBe(false);
    expect(met(good, "420")).toBe(true);
    expect(met(good, "400")).toBe(false);
    expect(met(good, "403")).toBe(true);

    const bad = judgeTargets(inputs(15_000, 70));
    expect(met(bad, "throughput ≥ 0.8")).toBe(false);
    expect(met(bad, "server CPU per request")).toBe(false);
    expect(met(bad, "throughput ≥ WireMock")).toBe(false);
    expect(met(bad, "throughput ≥ 8 × Prism")).toBe(false);
  });

  it("does not judge a target whose peer was skipped, and names the install command", () => {
    const base = inputs(27_000, 36);
    const targets = judgeTargets({
      ...base,
      interleaved: base.interleaved.filter((r) => r.id !== "wiremock"),
      skipped: [{ id: "wiremock", label: "WireMock", reason: "no `java` on PATH", install: "apt-get install default-jre-headless" }],
    });
    const wiremock = targets.find((t) => t.target.startsWith("throughput ≥ WireMock"));
    expect(wiremock?.met).toBeUndefined();
    expect(wiremock?.measured).toContain("apt-get install default-jre-headless");
  });
});

describe("wrk's script and summary", () => {
  it("escapes the request into Lua and reads the summary line back", () => {
    const script = wrkScript({ method: "POST", headers: { "Api-Key": 'a"b' }, body: '{"x":"\\\\"}' });
    expect(script).toContain('wrk.headers["Api-Key"] = "a\\"b"');
    expect(script).toContain('wrk.body = "{\\"x\\":\\"\\\\\\\\\\"}"');
    const summary = parseWrkOutput('Running 2s test\nWRK_JSON {"requests":10,"durationUs":2000000,"non2xx":0,"socketErrors":0,"p50Us":200,"p99Us":900,"maxUs":1500}\n');
    expect(summary).toEqual({ requests: 10, durationUs: 2_000_000, non2xx: 0, socketErrors: 0, p50Us: 200, p99Us: 900, maxUs: 1500 });
    expect(() => parseWrkOutput("unable to connect")).toThrow(/no summary/);
  });
});

describe("allocation accounting", () => {
  it("adds what each GC found beyond what the previous one left", () => {
    const gc = (before: number, after: number) => ({ gcType: "Scavenge", cost: 1, beforeGC: { heapStatistics: { usedHeapSize: before } }, afterGC: { heapStatistics: { usedHeapSize: after } } });
    expect(allocatedFromGcs([gc(300, 100), gc(250, 120)], 100, 150)).toBe(200 + 150 + 30);
    expect(areaOf("node:_http_server")).toBe("Node internals");
    expect(areaOf("file:///x/node_modules/hono/dist/hono.js")).toBe("hono");
    expect(areaOf("file:///x/node_modules/.cache/createchat-bench/mock/pipeline.js")).toBe("this project's mock/");
  });

  it("takes the median of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
