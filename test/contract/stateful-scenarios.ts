/**
 * The branches of the behaviour table that need state rather than one request: a spent quota, a
 * request over the in-flight limit, and an injected fault of every declared error status. The
 * state is set up on the mock directly (its state object and control API); only the requests
 * whose answers are judged go through the target (Prism's proxy in the conformance drive).
 */
import type { MockState } from "../../mock/state/memory-state.js";
import { loadContract } from "../../mock/contract/load-contract.js";
import { API_KEY, path, type CaseRequest } from "./cases.js";

/** One request of the drive and what the mock must answer it. */
export interface DriveStep {
  /** `rule: name` of a case, or `scenario: step` of a stateful scenario. */
  label: string;
  request: CaseRequest;
  /** The answer is chosen by `Prefer` or an injected fault: no verdict of the mock on the request. */
  forced: boolean;
  expected: { status: number; code?: string };
  knownDisagreement?: string;
  proxyChangesRequest?: string;
}

/** What a scenario may use: the mock it sets up, and a way to send a step through the target. */
export interface ScenarioContext {
  /** Sends the step through the target and records the exchange; resolves once it is answered. */
  send(step: DriveStep): Promise<void>;
  mock: {
    url: string;
    state: MockState;
    /** Requests held in the mock's (injected) sleep right now. */
    held(): number;
    /** Lets every held request go on. */
    release(): void;
  };
}

export interface StatefulScenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

const contract = loadContract();
const headers = { "Content-Type": "application/json", "Api-Key": API_KEY };
const orderChat = (businessId: number, id: number): CaseRequest => ({
  method: "POST",
  path: path(businessId),
  headers,
  body: { context: { type: "ORDER", id } },
});

async function addFault(mockUrl: string, rule: { status: number; times: number; delayMs?: number; match: { businessId: number } }) {
  const response = await fetch(`${mockUrl}/__mock/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(rule),
  });
  if (response.status !== 201) throw new Error(`POST /__mock/faults answered ${response.status}: ${await response.text()}`);
}

/** Waits (polling, never a fixed sleep) until `condition` holds; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The contract's error statuses (400, 401, ...), each of which a fault can force. */
export const FAULT_STATUSES = contract.operation("createChat").statuses.filter((status) => status >= 400);
/** The code an injected fault of each status carries (mock/errors.ts); undefined = not checked. */
const FAULT_CODES: Record<number, string> = { 401: "UNAUTHORIZED", 420: "LIMIT_EXCEEDED", 500: "INTERNAL_ERROR" };

export const statefulScenarios: StatefulScenario[] = [
  {
    // The quota is spent in-process (as many takes as it allows), so one request meets it.
    name: "quota spent",
    async run({ send, mock }) {
      const businessId = 1004;
      for (let i = 0; i < mock.state.quota("createChat").limit; i++) mock.state.quota("createChat").take(businessId);
      await send({
        label: "quota spent: the next request is 420",
        request: orderChat(businessId, 41002),
        forced: false,
        expected: { status: 420, code: "LIMIT_EXCEEDED" },
      });
    },
  },
  {
    // A slow fault holds as many requests as the in-flight limit allows; one more is refused.
    name: "in flight",
    async run({ send, mock }) {
      const businessId = 1003;
      const limit = mock.state.parallelLimit;
      if (limit === undefined) throw new Error("the drive's mock needs an in-flight limit");
      await addFault(mock.url, { status: 500, times: limit, delayMs: 1, match: { businessId } });
      const held = Array.from({ length: limit }, (_, i) =>
        send({
          label: `in flight: held request ${i + 1} gets the injected 500`,
          request: orderChat(businessId, 31002 + i),
          forced: true,
          expected: { status: 500, code: "INTERNAL_ERROR" },
        }),
      );
      try {
        await waitFor(() => mock.held() === limit, `${limit} requests held in flight`);
        await send({
          label: `in flight: request ${limit + 1} is 420`,
          request: orderChat(businessId, 31009),
          forced: false,
          expected: { status: 420, code: "LIMIT_EXCEEDED" },
        });
      } finally {
        mock.release();
        await Promise.allSettled(held);
      }
      await Promise.all(held);
    },
  },
  {
    name: "faults",
    async run({ send, mock }) {
      const businessId = 1002;
      for (const status of FAULT_STATUSES) {
        await addFault(mock.url, { status, times: 1, match: { businessId } });
        await send({
          label: `faults: an injected ${status}`,
          request: orderChat(businessId, 21002),
          forced: true,
          expected: { status, code: FAULT_CODES[status] },
        });
      }
    },
  },
];
