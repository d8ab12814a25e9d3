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
  /** Sends the step through the target and records the exchange; resolves to the answer's body. */
  send(step: DriveStep): Promise<unknown>;
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

/** A control API call on the mock itself (not through the proxy: it is no part of the contract). */
async function control<T>(mockUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${mockUrl}/__mock${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /__mock${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const chatOps = {
  getChat: (businessId: number, chatId: number): CaseRequest => ({ method: "GET", path: `/v2/businesses/${businessId}/chat?chatId=${chatId}`, headers: { "Api-Key": API_KEY } }),
  getChats: (businessId: number, body: unknown): CaseRequest => ({ method: "POST", path: `/v2/businesses/${businessId}/chats`, headers, body }),
  send: (businessId: number, chatId: number, message: string): CaseRequest => ({ method: "POST", path: `/v2/businesses/${businessId}/chats/message?chatId=${chatId}`, headers, body: { message } }),
  message: (businessId: number, chatId: number, messageId: number): CaseRequest => ({
    method: "GET",
    path: `/v2/businesses/${businessId}/chats/message?chatId=${chatId}&messageId=${messageId}`,
    headers: { "Api-Key": API_KEY },
  }),
  history: (businessId: number, chatId: number): CaseRequest => ({ method: "POST", path: `/v2/businesses/${businessId}/chats/history?chatId=${chatId}`, headers, body: {} }),
  file: (businessId: number, chatId: number): CaseRequest => ({
    method: "POST",
    path: `/v2/businesses/${businessId}/chats/file/send?chatId=${chatId}`,
    headers: { "Api-Key": API_KEY },
    form: [{ name: "file", filename: "label.pdf", type: "application/pdf", text: "%PDF-1.4 label" }],
  }),
};

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

/** What each chat scenario expects, in order: their labels are what the conformance test looks for. */
export const CHAT_SCENARIO_STEPS = {
  ownQuota: ["own quota: getChatHistory's spent quota is 420", "own quota: createChat of the same business still answers 200"],
  finished: ["finished: a message into a FINISHED chat is 400", "finished: a file into a FINISHED chat is 400"],
  customer: [
    "customer: the seller writes",
    "customer: after the customer's answer the chat waits for the seller",
    "customer: the customer's message",
    "customer: the customer's file, in the history",
  ],
  direct: ["direct: getChats lists the DIRECT chat", "direct: getChat shows its customer"],
  dispute: ["dispute: a dispute waits for the arbiter", "dispute: the seller's message leaves it waiting for the arbiter"],
  operationFaults: ["operation faults: getChatHistory gets the injected 500", "operation faults: getChat of the same chat is not touched"],
} as const;

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
  {
    // Each operation has its own quota: spending getChatHistory's leaves createChat's untouched.
    name: "own quota",
    async run({ send, mock }) {
      const businessId = 1001;
      const { chat } = mock.state.chats.openChat(businessId, { type: "ORDER", id: 11008 }, mock.state.clock.now());
      const quota = mock.state.quota("getChatHistory");
      for (let i = 0; i < quota.limit; i++) quota.take(businessId);
      const [spent, other] = CHAT_SCENARIO_STEPS.ownQuota;
      await send({ label: spent, request: chatOps.history(businessId, chat.chatId), forced: false, expected: { status: 420, code: "LIMIT_EXCEEDED" } });
      await send({ label: other, request: orderChat(businessId, 11009), forced: false, expected: { status: 200 } });
    },
  },
  {
    name: "finished",
    async run({ send, mock }) {
      const businessId = 1003;
      const { chat } = mock.state.chats.openChat(businessId, { type: "ORDER", id: 31007 }, mock.state.clock.now());
      await control(mock.url, "PATCH", `/chats/${chat.chatId}`, { status: "FINISHED" });
      const [text, file] = CHAT_SCENARIO_STEPS.finished;
      await send({ label: text, request: chatOps.send(businessId, chat.chatId, "Still there?"), forced: false, expected: { status: 400, code: "CHAT_FINISHED" } });
      await send({ label: file, request: chatOps.file(businessId, chat.chatId), forced: false, expected: { status: 400, code: "CHAT_FINISHED" } });
    },
  },
  {
    // The customer answers through the control API; the seller reads the answer through the API.
    name: "customer",
    async run({ send, mock }) {
      const businessId = 1002;
      const { chat } = mock.state.chats.openChat(businessId, { type: "ORDER", id: 21007 }, mock.state.clock.now());
      const [writes, waits, reads, history] = CHAT_SCENARIO_STEPS.customer;
      await send({ label: writes, request: chatOps.send(businessId, chat.chatId, "Your parcel is ready"), forced: false, expected: { status: 200 } });
      const answer = await control<{ message: { messageId: number } }>(mock.url, "POST", `/chats/${chat.chatId}/messages`, { sender: "CUSTOMER", message: "Thanks, picking it up" });
      await control(mock.url, "POST", `/chats/${chat.chatId}/messages`, { sender: "CUSTOMER", file: { name: "photo.png", base64: Buffer.from("not really a png").toString("base64") } });
      await send({ label: waits, request: chatOps.getChat(businessId, chat.chatId), forced: false, expected: { status: 200 } });
      await send({ label: reads, request: chatOps.message(businessId, chat.chatId, answer.message.messageId), forced: false, expected: { status: 200 } });
      await send({ label: history, request: chatOps.history(businessId, chat.chatId), forced: false, expected: { status: 200 } });
    },
  },
  {
    name: "direct",
    async run({ send, mock }) {
      const businessId = 1002;
      const opened = await control<{ chatId: number }>(mock.url, "POST", "/chats", { businessId, customer: { name: "Anna P.", publicId: "anna-p-4471" }, message: "Do you ship to Kazan?" });
      const [list, one] = CHAT_SCENARIO_STEPS.direct;
      await send({ label: list, request: chatOps.getChats(businessId, { contextTypes: ["DIRECT"] }), forced: false, expected: { status: 200 } });
      await send({ label: one, request: chatOps.getChat(businessId, opened.chatId), forced: false, expected: { status: 200 } });
    },
  },
  {
    name: "dispute",
    async run({ send, mock }) {
      const businessId = 1001;
      const { chat } = mock.state.chats.openChat(businessId, { type: "ORDER", id: 11010 }, mock.state.clock.now());
      await control(mock.url, "PATCH", `/chats/${chat.chatId}`, { type: "ARBITRAGE" });
      const [waits, writes] = CHAT_SCENARIO_STEPS.dispute;
      await send({ label: waits, request: chatOps.getChat(businessId, chat.chatId), forced: false, expected: { status: 200 } });
      await send({ label: writes, request: chatOps.send(businessId, chat.chatId, "The parcel was sent on time"), forced: false, expected: { status: 200 } });
    },
  },
  {
    // A fault can name the operation: only getChatHistory's requests get it.
    name: "operation faults",
    async run({ send, mock }) {
      const businessId = 1003;
      const { chat } = mock.state.chats.openChat(businessId, { type: "ORDER", id: 31008 }, mock.state.clock.now());
      await control(mock.url, "POST", "/faults", { status: 500, times: 1, match: { businessId, operationId: "getChatHistory" } });
      const [faulted, untouched] = CHAT_SCENARIO_STEPS.operationFaults;
      await send({ label: untouched, request: chatOps.getChat(businessId, chat.chatId), forced: false, expected: { status: 200 } });
      await send({ label: faulted, request: chatOps.history(businessId, chat.chatId), forced: true, expected: { status: 500, code: "INTERNAL_ERROR" } });
    },
  },
];
