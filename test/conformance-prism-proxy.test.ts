import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractCases } from "./contract/cases.js";
import { runConformanceDrive, type ConformanceReport, type DrivenExchange } from "./contract/conformance-drive.js";
import { readViolations, responseViolations } from "./contract/prism-verdict.js";
import { FAULT_STATUSES } from "./contract/stateful-scenarios.js";
import { startPrismProxy, type RunningPrism } from "./support/prism.js";

// The drive (test/contract/conformance-drive.ts, also `npm run conformance`): the mock behind
// Prism's validation proxy, every case of the behaviour table and every stateful branch through it.
// A stand-in upstream with the vendor docs' mistakes shows the oracle can fail at all; both Prism
// processes start at once to save wall time.
let report: ConformanceReport;
let broken: { upstream: Server; proxy: RunningPrism } | undefined;
beforeAll(async () => {
  const [drive, brokenStart] = await Promise.allSettled([runConformanceDrive(), startBrokenUpstreamBehindPrism()]);
  // Kept before anything can throw, so afterAll stops it whatever failed.
  if (brokenStart.status === "fulfilled") broken = brokenStart.value;
  if (drive.status === "rejected") throw drive.reason;
  if (brokenStart.status === "rejected") throw brokenStart.reason;
  report = drive.value;
}, 60_000);
afterAll(async () => {
  await broken?.proxy.stop();
  broken?.upstream.close();
});

const exchange = (label: string): DrivenExchange => {
  const found = report.exchanges.find((x) => x.step.label === label);
  if (!found) throw new Error(`the drive sent no request "${label}"`);
  return found;
};

describe("Prism's validation proxy finds no violation in the mock's answers, and agrees with it on every request", () => {
  it("drives every case of the behaviour table and every stateful branch through the proxy", () => {
    const labels = report.exchanges.map((x) => x.step.label);
    for (const c of contractCases) expect(labels).toContain(`${c.rule}: ${c.name}`);
    expect(labels).toContain("quota spent: the next request is 420");
    expect(labels).toContain("in flight: request 5 is 420");
    for (const status of FAULT_STATUSES) expect(labels).toContain(`faults: an injected ${status}`);
    expect(report.requestsDriven).toBe(contractCases.length + 1 + 5 + FAULT_STATUSES.length);
    // Prism refuses malformed JSON itself; everything else reaches the mock.
    expect(report.answeredByPrism).toBe(1);
    expect(report.missedBranches).toEqual([]);
  });

  it("finds 0 response violations", () => {
    expect(report.violations).toEqual([]);
  });

  it("disagrees with the mock only where the table says why", () => {
    expect(report.disagreements.filter((d) => !d.known)).toEqual([]);
    expect(report.staleKnownDisagreements).toEqual([]);
    expect(report.disagreements.map((d) => [d.label, d.kind])).toEqual([
      ["3 credentials: the vendor's older OAuth form works", "prism-refuses-mock-accepts"],
    ]);
  });

  it.each(contractCases.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", (label, c) => {
    const x = exchange(label);
    expect(responseViolations(x.proxied.violations)).toEqual([]);
    // Each request reached its branch of the mock (or, where Prism answered, the mock was asked directly).
    expect(x.mock.status).toBe(c.status);
    if (c.code && !c.proxyChangesRequest) expect(x.mock.code).toBe(c.code);
    // Both validators refuse what breaks the contract's form, and neither refuses what keeps it.
    if (c.knownDisagreement) expect(x.disagreement).toBeDefined();
    else expect(x.disagreement).toBeUndefined();
    if (c.status === 200 && !c.knownDisagreement) expect(x.proxied.violations).toEqual([]);
  });

  it("a spent quota, a request over the in-flight limit and an injected fault of every declared status all pass Prism", () => {
    const stateful = report.exchanges.filter((x) => !contractCases.some((c) => `${c.rule}: ${c.name}` === x.step.label));
    expect(stateful.map((x) => [x.proxied.status, responseViolations(x.proxied.violations)])).toEqual(
      stateful.map((x) => [x.step.expected.status, []]),
    );
    expect(exchange("quota spent: the next request is 420").proxied.body).toMatchObject({ errors: [{ message: expect.stringMatching(/requests per 1h/) }] });
    expect(exchange("in flight: request 5 is 420").proxied.body).toMatchObject({ errors: [{ message: expect.stringMatching(/4 parallel requests/) }] });
  });
});

describe("the oracle can fail: Prism flags an upstream that breaks the contract", () => {
  it.each([
    ["an error body with status OK", "wrong-error"],
    ["a 200 with chatId 0 and no quota headers", "wrong-success"],
  ])("%s", async (_name, key) => {
    const res = await fetch(`${broken?.proxy.url}/v2/businesses/1001/chats/new`, {
      method: "POST",
      headers: { "Api-Key": key, "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    await res.arrayBuffer();
    expect(responseViolations(readViolations(res.headers)).length).toBeGreaterThan(0);
  });
});

/** A stand-in service with the vendor docs' mistakes ("OK" on an error, no quota headers on 200), behind Prism. */
async function startBrokenUpstreamBehindPrism(): Promise<{ upstream: Server; proxy: RunningPrism }> {
  const upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const wrongError = req.headers["api-key"] === "wrong-error";
      res.writeHead(wrongError ? 400 : 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(wrongError ? { status: "OK", errors: [{ code: "example" }] } : { status: "OK", result: { chatId: 0 } }));
    });
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  try {
    const proxy = await startPrismProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    return { upstream, proxy };
  } catch (error) {
    upstream.close();
    throw error;
  }
}
