/**
 * The conformance drive: the mock behind Prism's validation proxy, every case of the behaviour
 * table and every stateful branch sent through the proxy, and Prism's verdicts collected: the
 * violations it finds in the mock's answers, and where its request validator and the mock's
 * disagree. Starts and stops both processes itself. Used by test/conformance-prism-proxy.test.ts
 * and by `npm run conformance` (scripts/conformance.ts); free of vitest so a script can run it.
 */
import { loadContract } from "../../mock/contract/load-contract.js";
import { startMockServer } from "../../mock/server.js";
import { createMockState } from "../../mock/state/memory-state.js";
import { CONTRACT_PATH, startPrismProxy } from "../support/prism.js";
import { capture, contractCases, toRequest, type CaseRequest, type Captured } from "./cases.js";
import {
  compareVerdicts,
  firstErrorCode,
  readViolations,
  requestViolations,
  responseViolations,
  type DisagreementKind,
  type MockAnswer,
  type PrismViolation,
} from "./prism-verdict.js";
import { statefulScenarios, type DriveStep } from "./stateful-scenarios.js";

/** One request driven through the proxy, with both verdicts. */
export interface DrivenExchange {
  step: DriveStep;
  /** What came back through the proxy. */
  proxied: { status: number; body: unknown; violations: PrismViolation[] };
  /** Whether the proxy forwarded the request to the mock, or answered it itself. */
  forwarded: boolean;
  /** The mock's own answer: the forwarded request's, or (when Prism answered itself) the same request sent to the mock directly. */
  mock: MockAnswer;
  /** Prism refused the request: it answered itself, or its validator named a request violation. */
  prismRefuses: boolean;
  disagreement?: DisagreementKind;
}

export interface Disagreement {
  label: string;
  kind: DisagreementKind;
  /** Prism's request violations, or its own answer when it did not forward. */
  prism: string;
  mock: MockAnswer;
  /** The reason the table gives for it; absent = not expected. */
  known?: string;
}

export interface ConformanceReport {
  /** The document Prism validated against. */
  spec: string;
  /** Requests sent through Prism's proxy. */
  requestsDriven: number;
  /** Of those, the ones Prism answered itself (it never reached the mock). */
  answeredByPrism: number;
  exchanges: DrivenExchange[];
  /** Every response violation, with the request it came from. */
  violations: Array<{ label: string; violation: PrismViolation }>;
  disagreements: Disagreement[];
  /** Cases whose known disagreement did not happen (the reason is out of date). */
  staleKnownDisagreements: string[];
  /** Steps where the mock's answer was not the one the table expects: the branch was not reached. */
  missedBranches: Array<{ label: string; expected: DriveStep["expected"]; got: MockAnswer }>;
}

export interface DriveOptions {
  /** The document Prism's proxy validates against. Default: openapi.yaml. */
  spec?: string;
}

// Every driven request carries a number, so its journal entry in the mock can be found even when
// requests run concurrently (the in-flight scenario).
const DRIVE_HEADER = "x-conformance-request";

/** Runs the whole drive and returns its report; never leaves a process behind. */
export async function runConformanceDrive({ spec = CONTRACT_PATH }: DriveOptions = {}): Promise<ConformanceReport> {
  const contract = loadContract().operation("createChat");
  const held = createReleasableSleep();
  const state = createMockState({ parallelLimit: contract.rateLimit.parallelRequests ?? 4 });
  const mock = await startMockServer({ port: 0, state, sleep: held.sleep });
  try {
    const proxy = await startPrismProxy(mock.url, { spec });
    try {
      const exchanges: DrivenExchange[] = [];
      const captured: Captured = new Map();
      let nextId = 1;

      const send = async (step: DriveStep): Promise<unknown> => {
        const id = String(nextId++);
        const response = await fetch(toRequest(proxy.url, tagged(step.request, id), captured));
        const proxied = { status: response.status, body: parseBody(await response.text()), violations: readViolations(response.headers) };
        const entry = state.journal.list().find((e) => e.request.headers[DRIVE_HEADER] === id);
        let mockAnswer: MockAnswer;
        if (entry) {
          mockAnswer = { status: entry.status, code: firstErrorCode(entry.response.body) };
        } else {
          const direct = await fetch(toRequest(mock.url, tagged(step.request, `${id}-direct`), captured));
          mockAnswer = { status: direct.status, code: firstErrorCode(parseBody(await direct.text())) };
        }
        const prismRefuses = !entry || requestViolations(proxied.violations).length > 0;
        exchanges.push({
          step,
          proxied,
          forwarded: entry !== undefined,
          mock: mockAnswer,
          prismRefuses,
          disagreement: compareVerdicts(prismRefuses, mockAnswer, step.forced),
        });
        return proxied.body;
      };

      for (const c of contractCases) {
        const body = await send({
          label: `${c.rule}: ${c.name}`,
          request: c.request,
          forced: c.request.headers?.Prefer !== undefined,
          expected: { status: c.status, code: c.code },
          knownDisagreement: c.knownDisagreement,
          proxyChangesRequest: c.proxyChangesRequest,
        });
        capture(c, body, captured);
      }
      for (const scenario of statefulScenarios) {
        await scenario.run({ send, mock: { url: mock.url, state, held: held.count, release: held.release } });
      }
      return summarize(spec, exchanges);
    } finally {
      held.release();
      await proxy.stop();
    }
  } finally {
    await mock.close();
  }
}

function summarize(spec: string, exchanges: DrivenExchange[]): ConformanceReport {
  const disagreements: Disagreement[] = [];
  const staleKnownDisagreements: string[] = [];
  for (const x of exchanges) {
    if (x.disagreement) {
      const prism = x.forwarded
        ? requestViolations(x.proxied.violations).map((v) => v.message).join("; ") || "no request violation"
        : `answered ${x.proxied.status} itself: ${JSON.stringify(x.proxied.body)}`;
      disagreements.push({ label: x.step.label, kind: x.disagreement, prism, mock: x.mock, known: x.step.knownDisagreement });
    } else if (x.step.knownDisagreement) {
      staleKnownDisagreements.push(x.step.label);
    }
  }
  return {
    spec,
    requestsDriven: exchanges.length,
    answeredByPrism: exchanges.filter((x) => !x.forwarded).length,
    exchanges,
    violations: exchanges.flatMap((x) => responseViolations(x.proxied.violations).map((violation) => ({ label: x.step.label, violation }))),
    disagreements,
    staleKnownDisagreements,
    missedBranches: exchanges
      .filter((x) => !x.step.proxyChangesRequest)
      .filter((x) => x.mock.status !== x.step.expected.status || (x.step.expected.code !== undefined && x.mock.code !== x.step.expected.code))
      .map((x) => ({ label: x.step.label, expected: x.step.expected, got: x.mock })),
  };
}

function tagged(request: CaseRequest, id: string): CaseRequest {
  return { ...request, headers: { ...request.headers, [DRIVE_HEADER]: id } };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The mock's sleep (used by fault delays): holds each caller until `release`, which also lets every
 * later caller through at once, so nothing can stay held after the drive.
 */
function createReleasableSleep() {
  const pending: Array<() => void> = [];
  let released = false;
  return {
    sleep: (_ms: number) => (released ? Promise.resolve() : new Promise<void>((resolve) => pending.push(resolve))),
    count: () => pending.length,
    release() {
      released = true;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}
