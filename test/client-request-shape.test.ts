import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, type CreateChatBody } from "../client/index.js";

const BASE_URL = "http://127.0.0.1:4010";
const CREATE_CHAT_URL = `${BASE_URL}/v2/businesses/1001/chats/new`;

/** A fetch that records each Request and answers a fresh 200 with the quota headers. */
function stubFetch() {
  const requests: Request[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    requests.push(request);
    return Response.json(
      { status: "OK", result: { chatId: 7340001 } },
      {
        headers: {
          "X-RateLimit-Resource-Limit": "1000",
          "X-RateLimit-Resource-Remaining": "999",
          "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
        },
      },
    );
  };
  return { fetch, requests };
}

function onlyRequest(requests: Request[]): Request {
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error("no request recorded");
  return request;
}

describe("createChat request shape", () => {
  it("POSTs the JSON body to <baseUrl>/v2/businesses/{businessId}/chats/new with the Api-Key header", async () => {
    const stub = stubFetch();
    const client = createMarketClient({ baseUrl: BASE_URL, apiKey: "ACMA:key-1", fetch: stub.fetch });
    const body: CreateChatBody = { context: { type: "ORDER", id: 11001 } };

    await createChat(client, 1001, body);

    const request = onlyRequest(stub.requests);
    expect(request.method).toBe("POST");
    expect(request.url).toBe(CREATE_CHAT_URL);
    expect(request.headers.get("Api-Key")).toBe("ACMA:key-1");
    expect(request.headers.has("Authorization")).toBe(false);
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(await request.text()).toBe('{"context":{"type":"ORDER","id":11001}}');
  });

  it("sends the deprecated OAuth token as Authorization: Bearer and no Api-Key", async () => {
    const stub = stubFetch();
    const client = createMarketClient({ baseUrl: BASE_URL, oauthToken: "y0_token", fetch: stub.fetch });

    await createChat(client, 1001, { context: { type: "RETURN", id: 12001 } });

    const request = onlyRequest(stub.requests);
    expect(request.headers.get("Authorization")).toBe("Bearer y0_token");
    expect(request.headers.has("Api-Key")).toBe(false);
    expect(await request.json()).toEqual({ context: { type: "RETURN", id: 12001 } });
  });

  it("sends the deprecated orderId form as given, and both fields together as given", async () => {
    const stub = stubFetch();
    const client = createMarketClient({ baseUrl: BASE_URL, apiKey: "ACMA:key-1", fetch: stub.fetch });

    await createChat(client, 1001, { orderId: 11001 });
    await createChat(client, 1001, { context: { type: "ORDER", id: 11001 }, orderId: 11001 });

    expect(stub.requests).toHaveLength(2);
    expect(await stub.requests[0]?.json()).toEqual({ orderId: 11001 });
    expect(await stub.requests[1]?.json()).toEqual({ context: { type: "ORDER", id: 11001 }, orderId: 11001 });
  });

  it("puts the businessId in the path and drops a trailing slash of baseUrl", async () => {
    const stub = stubFetch();
    const client = createMarketClient({ baseUrl: `${BASE_URL}/`, apiKey: "ACMA:key-1", fetch: stub.fetch });

    await createChat(client, Number.MAX_SAFE_INTEGER, { orderId: 11001 });

    expect(onlyRequest(stub.requests).url).toBe(`${BASE_URL}/v2/businesses/9007199254740991/chats/new`);
  });

  it("adds the extra headers of the options to every request", async () => {
    const stub = stubFetch();
    const client = createMarketClient({
      baseUrl: BASE_URL,
      apiKey: "ACMA:key-1",
      fetch: stub.fetch,
      headers: { "X-Request-Source": "contract-tests" },
    });

    await createChat(client, 1001, { orderId: 11001 });

    const request = onlyRequest(stub.requests);
    expect(request.headers.get("X-Request-Source")).toBe("contract-tests");
    expect(request.headers.get("Api-Key")).toBe("ACMA:key-1");
  });

  it("lets client.POST call the endpoint directly with the same credential", async () => {
    const stub = stubFetch();
    const client = createMarketClient({ baseUrl: BASE_URL, apiKey: "ACMA:key-1", fetch: stub.fetch });

    const { data } = await client.POST("/v2/businesses/{businessId}/chats/new", {
      params: { path: { businessId: 1001 } },
      body: { context: { type: "ORDER", id: 11001 } },
    });

    expect(data?.result.chatId).toBe(7340001);
    const request = onlyRequest(stub.requests);
    expect(request.method).toBe("POST");
    expect(request.url).toBe(CREATE_CHAT_URL);
    expect(request.headers.get("Api-Key")).toBe("ACMA:key-1");
    expect(await request.json()).toEqual({ context: { type: "ORDER", id: 11001 } });
  });
});
