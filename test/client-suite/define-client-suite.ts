/**
 * One suite of typed-client calls, run unchanged against every server that claims the contract:
 * the mock over HTTP, the mock in-process (`app.fetch` as the client's fetch), and Prism's static
 * mock of openapi.yaml. What needs the server's state (a spent quota, an order the business lacks)
 * is asked for with `Prefer: code=NNN, example=NAME`, which all three answer from the document's
 * examples, so the expectations below are read from openapi.yaml, never written by hand.
 */
import { describe, expect, it } from "vitest";
import {
  createChat,
  createMarketClient,
  getChat,
  getChatHistory,
  getChatMessage,
  getChats,
  iterateChatHistory,
  iterateChats,
  sendFile,
  sendMessage,
  type ApiFailure,
  type FetchLike,
  type MarketClient,
} from "../../client/index.js";
import { loadContract, type DeclaredResponse } from "../../mock/contract/load-contract.js";

/** Where the suite sends its calls; resolved per test, after the target's beforeAll has started it. */
export interface ClientTarget {
  baseUrl: string;
  /** The fetch the client sends with. Default: globalThis.fetch. */
  fetch?: FetchLike;
  /**
   * Whether a forced answer (`Prefer`) carries the business's live quota headers, as this mock's
   * do for a request with credentials and a business, rather than the document's header examples
   * (as Prism's). Default: false.
   */
  liveRateLimit?: boolean;
}

const contract = loadContract().operation("createChat");
const operations = loadContract().operations;
const API_KEY = "demo-all-methods";
const QUOTA = contract.rateLimit.requests;
const ERROR_CODE_PATTERN = new RegExp(
  String((loadContract().schemas.ApiError?.properties as { code: { pattern: string } } | undefined)?.code.pattern),
);

/** The quota state the document's header examples describe, as the client reports it. */
function exampleRateLimit(response: DeclaredResponse) {
  const example = (name: string) => {
    const header = response.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
    if (header?.example === undefined) throw new Error(`openapi.yaml: ${response.status} has no example for ${name}`);
    return String(header.example);
  };
  return {
    limit: Number(example("X-RateLimit-Resource-Limit")),
    remaining: Number(example("X-RateLimit-Resource-Remaining")),
    until: new Date(Date.parse(example("X-RateLimit-Resource-Until"))),
  };
}

/**
 * The quota state a forced answer reports: the document's examples, or (live) the business's own
 * window as the suite's earlier calls left it (a spent one for a 420), whose end is ahead.
 */
function forcedRateLimit(response: DeclaredResponse, live: boolean | undefined, limit = QUOTA) {
  if (!live) return exampleRateLimit(response);
  return {
    limit,
    remaining: response.status === 420 ? 0 : (expect.any(Number) as unknown as number),
    until: expect.toSatisfy((until: Date) => until.getTime() > Date.now()) as unknown as Date,
  };
}

const requiresRateLimit = (response: DeclaredResponse) => response.headers.some((h) => h.required);

/** Every named example of every declared error response: [status, name, value]. */
const errorExamples = contract.statuses
  .filter((status) => status >= 400)
  .flatMap((status) => {
    const response = contract.responses.get(status) as DeclaredResponse;
    return [...response.examples].map(([name, value]) => [status, name, value, response] as const);
  });

/**
 * Declares the suite against one target.
 *
 * @param title the describe title, naming the target.
 * @param target called in each test for where to send (so a server started in beforeAll is known by then).
 */
export function defineClientSuite(title: string, target: () => ClientTarget): void {
  const client = (options: { prefer?: string; oauthToken?: string } = {}): MarketClient => {
    const { baseUrl, fetch } = target();
    const headers = options.prefer === undefined ? undefined : { Prefer: options.prefer };
    const base = { baseUrl, headers, ...(fetch === undefined ? {} : { fetch }) };
    return options.oauthToken === undefined
      ? createMarketClient({ ...base, apiKey: API_KEY })
      : createMarketClient({ ...base, oauthToken: options.oauthToken });
  };

  describe(title, () => {
    it("gets a typed chat with the quota state for an ORDER context", async () => {
      const result = await createChat(client(), 1001, { context: { type: "ORDER", id: 11001 } });
      expectSuccess(result);
    });

    it("gets a typed chat for a RETURN context with the deprecated OAuth token", async () => {
      const result = await createChat(client({ oauthToken: "demo-oauth" }), 1003, { context: { type: "RETURN", id: 32001 } });
      expectSuccess(result);
    });

    it("gets a typed chat for the legacy orderId", async () => {
      const result = await createChat(client(), 1001, { orderId: 11005 });
      expectSuccess(result);
    });

    it("reads the document's 200 example, with the rate-limit headers the target gives forced answers (Prefer: code=200, example=chat)", async () => {
      const ok = contract.responses.get(200) as DeclaredResponse;
      const body = ok.examples.get("chat") as { result: { chatId: number } };
      const result = await createChat(client({ prefer: "code=200, example=chat" }), 1001, { context: { type: "ORDER", id: 11001 } });
      expect(result).toEqual({ ok: true, status: 200, chatId: body.result.chatId, rateLimit: forcedRateLimit(ok, target().liveRateLimit) });
    });

    // Which example a bare `code=` picks is the server's choice (Prism takes the schema's `example`,
    // the mock the first named one), so only what the contract guarantees is asserted here.
    it.each(contract.statuses)("gets %i as a typed result from Prefer: code= alone", async (status) => {
      const result = await createChat(client({ prefer: `code=${status}` }), 1001, { context: { type: "ORDER", id: 11001 } });
      expect(result.status).toBe(status);
      if (result.ok) return expectSuccess(result);
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) expect(error.code).toMatch(ERROR_CODE_PATTERN);
    });

    it.each(errorExamples)("gets %i %s as a typed failure with the example's errors", async (status, name, value, response) => {
      const result = await createChat(client({ prefer: `code=${status}, example=${name}` }), 1001, { context: { type: "ORDER", id: 11001 } });
      if (result.ok) throw new Error(`expected ${status}, got chat ${result.chatId}`);
      expect(result.status).toBe(status);
      expect(result.errors).toEqual((value as { errors: unknown }).errors);
      // 420 must carry the quota headers; elsewhere they are optional, and when sent they are the document's.
      const expected = forcedRateLimit(response, target().liveRateLimit);
      if (requiresRateLimit(response) || target().liveRateLimit) expect(result.rateLimit).toEqual(expected);
      else if (result.rateLimit !== undefined) expect(result.rateLimit).toEqual(expected);
    });
  });
}

/** One call of each chat operation through its typed function, on chat `chatId` (and message `messageId`). */
const chatCalls: Record<string, (client: MarketClient, ids: { chatId: number; messageId: number }) => Promise<{ ok: boolean; status: number } | ApiFailure>> = {
  getChats: (client) => getChats(client, 1001, {}),
  getChat: (client, { chatId }) => getChat(client, 1001, chatId),
  sendMessageToChat: (client, { chatId }) => sendMessage(client, 1001, chatId, "Hello"),
  getChatMessage: (client, { chatId, messageId }) => getChatMessage(client, 1001, chatId, messageId),
  getChatHistory: (client, { chatId }) => getChatHistory(client, 1001, chatId),
  sendFileToChat: (client, { chatId }) => sendFile(client, 1001, chatId, { name: "label.pdf", type: "application/pdf", content: "%PDF-1.4 label" }),
};

/** Every named example of every chat operation's declared error responses: [operationId, status, name, value, response]. */
const chatErrorExamples = operations
  .filter((op) => op.operationId in chatCalls)
  .flatMap((op) =>
    op.statuses
      .filter((status) => status >= 400)
      .flatMap((status) => {
        const response = op.responses.get(status) as DeclaredResponse;
        return [...response.examples].map(([name, value]) => [op.operationId, status, name, value, response] as const);
      }),
  );
/** Every named 200 example of every chat operation. */
const chatOkExamples = operations
  .filter((op) => op.operationId in chatCalls)
  .flatMap((op) => [...(op.responses.get(200) as DeclaredResponse).examples].map(([name, value]) => [op.operationId, name, value, op.responses.get(200) as DeclaredResponse] as const));

/**
 * The chat family on the same target: a chat opened by createChat is read, listed, written to and
 * its history walked (Prism's mock answers from the document's examples, the mock from its state),
 * then every declared answer of every operation through Prefer.
 */
export function defineChatFamilySuite(title: string, target: () => ClientTarget): void {
  const client = (prefer?: string): MarketClient => {
    const { baseUrl, fetch } = target();
    return createMarketClient({ baseUrl, apiKey: API_KEY, ...(prefer === undefined ? {} : { headers: { Prefer: prefer } }), ...(fetch === undefined ? {} : { fetch }) });
  };
  const ids = { chatId: 0, messageId: 0 };

  describe(title, () => {
    it("opens a chat, writes to it, reads it back and walks its history", async () => {
      const opened = await createChat(client(), 1001, { context: { type: "ORDER", id: 11009 } });
      if (!opened.ok) throw new Error(`createChat answered ${opened.status}`);
      ids.chatId = opened.chatId;
      for (const text of ["Hello", "Your order ships today"]) expect(await sendMessage(client(), 1001, ids.chatId, text)).toMatchObject({ ok: true, status: 200 });
      expect(await sendFile(client(), 1001, ids.chatId, { name: "label.pdf", type: "application/pdf", content: new Uint8Array([37, 80, 68, 70]) })).toMatchObject({ ok: true });

      const chat = await getChat(client(), 1001, ids.chatId);
      if (!chat.ok) throw new Error(`getChat answered ${chat.status}`);
      expect(chat.chat.chatId).toBe(ids.chatId);
      expect(chat.rateLimit.limit).toBe(operations.find((op) => op.operationId === "getChat")?.rateLimit.requests);

      const pages = [];
      for await (const page of iterateChatHistory(client(), 1001, ids.chatId, { limit: 1 })) pages.push(page);
      expect(pages.length).toBeGreaterThanOrEqual(1);
      expect(pages.at(-1)?.nextPageToken).toBeUndefined();
      const first = pages[0]?.messages[0];
      if (first === undefined) throw new Error("the history has no message");
      ids.messageId = first.messageId;
      const message = await getChatMessage(client(), 1001, ids.chatId, ids.messageId);
      expect(message).toMatchObject({ ok: true, message: { messageId: ids.messageId } });

      const chats = [];
      for await (const page of iterateChats(client(), 1001, {}, { limit: 20 })) chats.push(...page.chats);
      expect(chats.length).toBeGreaterThan(0);
      for (const listed of chats) expect(Number.isSafeInteger(listed.chatId)).toBe(true);
    });

    it.each(chatOkExamples)("%s reads the 200 example %s with its rate-limit headers", async (operationId, name, value, response) => {
      const result = await chatCalls[operationId]!(client(`code=200, example=${name}`), { chatId: ids.chatId || 7340001, messageId: ids.messageId || 9100001 });
      expect(result).toMatchObject({ ok: true, status: 200, rateLimit: forcedRateLimit(response, target().liveRateLimit, limitOf(operationId)) });
      const { result: example } = value as { result?: Record<string, unknown> };
      if (operationId === "getChat") expect((result as unknown as { chat: unknown }).chat).toEqual(example);
      if (operationId === "getChatMessage") expect((result as unknown as { message: unknown }).message).toEqual(example);
      if (operationId === "getChats") expect((result as unknown as { chats: unknown }).chats).toEqual(example?.chats);
      if (operationId === "getChatHistory") expect((result as unknown as { messages: unknown }).messages).toEqual(example?.messages);
    });

    it.each(chatErrorExamples)("%s gets %i %s as a typed failure with the example's errors", async (operationId, status, name, value, response) => {
      const result = await chatCalls[operationId]!(client(`code=${status}, example=${name}`), { chatId: ids.chatId || 7340001, messageId: ids.messageId || 9100001 });
      if (result.ok) throw new Error(`expected ${status}, got a success`);
      const failure = result as ApiFailure;
      expect(failure.status).toBe(status);
      expect(failure.errors).toEqual((value as { errors: unknown }).errors);
      if (requiresRateLimit(response)) expect(failure.rateLimit).toEqual(forcedRateLimit(response, target().liveRateLimit, limitOf(operationId)));
    });
  });
}

/** An operation's quota per window, from its x-rate-limit. */
const limitOf = (operationId: string): number => loadContract().operation(operationId).rateLimit.requests;

function expectSuccess(result: Awaited<ReturnType<typeof createChat>>): void {
  if (!result.ok) throw new Error(`expected a chat, got ${result.status} ${JSON.stringify(result.errors)}`);
  expect(result.status).toBe(200);
  expect(Number.isSafeInteger(result.chatId) && result.chatId >= 1).toBe(true);
  expect(result.rateLimit.limit).toBe(QUOTA);
  expect(result.rateLimit.remaining).toBeGreaterThanOrEqual(0);
  expect(result.rateLimit.remaining).toBeLessThan(QUOTA);
  expect(Number.isNaN(result.rateLimit.until.getTime())).toBe(false);
}
