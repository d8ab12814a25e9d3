/**
 * One suite of typed-client calls, run unchanged against every server that claims the contract:
 * the mock over HTTP, the mock in-process (`app.fetch` as the client's fetch), and Prism's static
 * mock of openapi.yaml. What needs the server's state (a spent quota, an order the business lacks)
 * is asked for with `Prefer: code=NNN, example=NAME`, which all three answer from the document's
 * examples, so the expectations below are read from openapi.yaml, never written by hand.
 */
import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, type FetchLike, type MarketClient } from "../../client/index.js";
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
function forcedRateLimit(response: DeclaredResponse, live: boolean | undefined) {
  if (!live) return exampleRateLimit(response);
  return {
    limit: QUOTA,
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

function expectSuccess(result: Awaited<ReturnType<typeof createChat>>): void {
  if (!result.ok) throw new Error(`expected a chat, got ${result.status} ${JSON.stringify(result.errors)}`);
  expect(result.status).toBe(200);
  expect(Number.isSafeInteger(result.chatId) && result.chatId >= 1).toBe(true);
  expect(result.rateLimit.limit).toBe(QUOTA);
  expect(result.rateLimit.remaining).toBeGreaterThanOrEqual(0);
  expect(result.rateLimit.remaining).toBeLessThan(QUOTA);
  expect(Number.isNaN(result.rateLimit.until.getTime())).toBe(false);
}
