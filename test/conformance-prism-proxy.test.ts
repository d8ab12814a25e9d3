import { existsSync } from "node:fs";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractCases } from "./contract/cases.js";
import { runConformanceDrive, type ConformanceReport, type DrivenExchange } from "./contract/conformance-drive.js";
import { readViolations, responseViolations } from "./contract/prism-verdict.js";
import { CHAT_SCENARIO_STEPS, FAULT_STATUSES } from "./contract/stateful-scenarios.js";
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
    const chatSteps = Object.values(CHAT_SCENARIO_STEPS).flat();
    for (const label of chatSteps) expect(labels).toContain(label);
    expect(report.requestsDriven).toBe(contractCases.length + 1 + 5 + FAULT_STATUSES.length + chatSteps.length);
    // Prism refuses malformed JSON itself (createChat's and sendMessageToChat's); everything else reaches the mock.
    expect(report.answeredByPrism).toBe(2);
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
      ["chats file: the file as a text field, not a file part, is 400", "mock-refuses-prism-accepts"],
      ["chats file: two files are 400", "mock-refuses-prism-accepts"],
    ]);
  });

  it.each(contractCases.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", (label, c) => {
    const x = exchange(label);
    expect(responseViolations(x.proxied.violations)).toEqual([]);
    // Each request reached its branch of the mock (or, where Prism answered, the mock was asked directly).
    expect(x.mock.status).toBe(c.proxiedStatus ?? c.status);
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

  it("the chat family's state reaches the answers: its own quota, a finished chat, the customer's answer, a DIRECT chat, a dispute", () => {
    const body = (label: string) => exchange(label).proxied.body;
    const [spent, other] = CHAT_SCENARIO_STEPS.ownQuota;
    expect(body(spent)).toMatchObject({ errors: [{ message: expect.stringMatching(/^Hit rate limit of 10000 requests per 1h for businessId 1001/) }] });
    expect(body(other)).toMatchObject({ status: "OK", result: { chatId: expect.any(Number) } });
    for (const label of CHAT_SCENARIO_STEPS.finished) expect(body(label)).toMatchObject({ errors: [{ code: "CHAT_FINISHED" }] });
    const [, waits, reads, history] = CHAT_SCENARIO_STEPS.customer;
    expect(body(waits)).toMatchObject({ result: { status: "WAITING_FOR_PARTNER" } });
    expect(body(reads)).toEqual({ status: "OK", result: { messageId: expect.any(Number), createdAt: expect.any(String), sender: "CUSTOMER", message: "Thanks, picking it up" } });
    expect(body(history)).toMatchObject({
      result: {
        messages: [
          { sender: "PARTNER", message: "Your parcel is ready" },
          { sender: "CUSTOMER", message: "Thanks, picking it up" },
          { sender: "CUSTOMER", payload: [{ name: "photo.png", size: 16, url: expect.stringMatching(/\/__mock\/files\/\d+$/) }] },
        ],
      },
    });
    const [list, one] = CHAT_SCENARIO_STEPS.direct;
    expect(body(list)).toMatchObject({ result: { chats: [{ context: { type: "DIRECT" }, status: "WAITING_FOR_PARTNER" }] } });
    expect(body(one)).toMatchObject({ result: { context: { type: "DIRECT", customer: { name: "Anna P.", publicId: "anna-p-4471" } } } });
    const [dispute, answered] = CHAT_SCENARIO_STEPS.dispute;
    expect(body(dispute)).toMatchObject({ result: { type: "ARBITRAGE", status: "WAITING_FOR_ARBITER" } });
    expect(exchange(answered).proxied.status).toBe(200);
  });
});

// The vendor's own chat slice (shared/reference, outside the project): used only where it is present.
const VENDOR_SLICE = resolve(import.meta.dirname, "../../shared/reference/official-chats/chats.openapi.yaml");
describe.runIf(existsSync(VENDOR_SLICE))("against the vendor's chat slice, when present", () => {
  let vendor: ConformanceReport;
  beforeAll(async () => {
    vendor = await runConformanceDrive({ spec: VENDOR_SLICE });
  }, 60_000);

  it("finds 0 response violations and reaches every branch", () => {
    expect(vendor.violations).toEqual([]);
    expect(vendor.missedBranches).toEqual([]);
    expect(vendor.requestsDriven).toBe(report.requestsDriven);
  });

  it("disagrees only where our contract is stricter than the vendor's (unknown fields, the file's bounds)", () => {
    expect(vendor.disagreements.filter((d) => d.kind === "prism-refuses-mock-accepts").map((d) => d.label)).toEqual([
      "3 credentials: the vendor's older OAuth form works",
    ]);
    for (const d of vendor.disagreements.filter((d) => d.kind === "mock-refuses-prism-accepts")) {
      expect(["INVALID_REQUEST", "MISSING_CONTEXT", "BODY_TOO_LARGE", "FILE_TOO_LARGE", "FILE_EMPTY"]).toContain(d.mock.code);
    }
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
