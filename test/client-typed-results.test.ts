import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createChat,
  createMarketClient,
  type ApiError,
  type CreateChatErrorStatus,
  type RateLimitState,
} from "../client/index.js";

const QUOTA_HEADERS = {
  "X-RateLimit-Resource-Limit": "1000",
  "X-RateLimit-Resource-Remaining": "997",
  "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
};
const UNTIL = new Date(Date.UTC(2026, 10, 25, 13, 0, 0));

/** A client whose fetch records each Request and answers a fresh copy of one JSON response. */
function clientAnswering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const requests: Request[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    requests.push(request);
    return Response.json(body, { status, headers });
  };
  return { client: createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", fetch }), requests };
}

describe("createChat typed results", () => {
  it("resolves a 200 to ok: true with the chatId and the parsed quota headers", async () => {
    const { client } = clientAnswering(200, { status: "OK", result: { chatId: 7340001 } }, QUOTA_HEADERS);

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });

    expect(result).toEqual({
      ok: true,
      status: 200,
      chatId: 7340001,
      rateLimit: { limit: 1000, remaining: 997, until: UNTIL },
    });
    expect(result.rateLimit?.until).toBeInstanceOf(Date);
    expect(result.rateLimit?.until.getTime()).toBe(Date.parse(QUOTA_HEADERS["X-RateLimit-Resource-Until"]));
  });

  const errorCases: { status: CreateChatErrorStatus; code: string; message: string }[] = [
    { status: 400, code: "INVALID_REQUEST", message: "/context/type must be one of ORDER, RETURN" },
    { status: 401, code: "UNAUTHORIZED", message: "No credentials" },
    { status: 403, code: "INSUFFICIENT_SCOPE", message: "The token needs one of the scopes communication, all-methods" },
    { status: 404, code: "ORDER_NOT_FOUND", message: "Order 99999 not found in business 1001 (/context/id)" },
    { status: 420, code: "LIMIT_EXCEEDED", message: "Hit rate limit of 1000 requests per 1h for businessId 1001" },
    { status: 500, code: "INTERNAL_ERROR", message: "Internal error, retry the request after a pause" },
  ];

  it.each(errorCases)("resolves a $status to ok: false with its errors[] and quota headers", async (error) => {
    const errors: ApiError[] = [{ code: error.code, message: error.message }];
    const { client } = clientAnswering(error.status, { status: "ERROR", errors }, QUOTA_HEADERS);

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 99999 } });

    expect(result).toEqual({
      ok: false,
      status: error.status,
      errors,
      rateLimit: { limit: 1000, remaining: 997, until: UNTIL },
    });
  });

  it("keeps every item of errors[], with and without message", async () => {
    const errors = [{ code: "INVALID_REQUEST", message: "/context/id must be >= 1" }, { code: "INVALID_REQUEST" }];
    const { client } = clientAnswering(400, { status: "ERROR", errors }, QUOTA_HEADERS);

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(errors);
  });

  it("leaves rateLimit undefined on a 401 that carries no quota headers", async () => {
    const errors = [{ code: "UNAUTHORIZED", message: "No credentials" }];
    const { client } = clientAnswering(401, { status: "ERROR", errors });

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });

    expect(result).toEqual({ ok: false, status: 401, errors });
    expect(result.rateLimit).toBeUndefined();
  });

  it("narrows the result on ok: chatId and rateLimit on success, errors and the error status otherwise", async () => {
    const { client } = clientAnswering(200, { status: "OK", result: { chatId: 7340001 } }, QUOTA_HEADERS);

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });

    if (result.ok) {
      expectTypeOf(result.chatId).toEqualTypeOf<number>();
      expectTypeOf(result.status).toEqualTypeOf<200>();
      expectTypeOf(result.rateLimit).toEqualTypeOf<RateLimitState>();
      expectTypeOf(result).not.toHaveProperty("errors");
    } else {
      expectTypeOf(result.errors).toEqualTypeOf<ApiError[]>();
      expectTypeOf(result.status).toEqualTypeOf<400 | 401 | 403 | 404 | 420 | 500>();
      expectTypeOf(result.rateLimit).toEqualTypeOf<RateLimitState | undefined>();
      expectTypeOf(result).not.toHaveProperty("chatId");
    }
    expect(result.ok).toBe(true);
  });

  it("rejects at compile time a body whose context type the contract does not know", async () => {
    const { client, requests } = clientAnswering(200, { status: "OK", result: { chatId: 7340001 } }, QUOTA_HEADERS);

    const call = createChat(client, 1001, {
      // @ts-expect-error "CHAT" is not a ChatContextType (ORDER | RETURN)
      context: { type: "CHAT", id: 11001 },
    });

    await expect(call).rejects.toThrow(RangeError);
    expect(requests).toHaveLength(0);
  });
});
