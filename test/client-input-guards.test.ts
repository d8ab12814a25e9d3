import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, type CreateChatBody } from "../client/index.js";

/** A client whose fetch records each Request; these tests expect it never to be called. */
function recordingClient() {
  const requests: Request[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    requests.push(request);
    return Response.json({ status: "OK", result: { chatId: 7340001 } });
  };
  return { client: createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", fetch }), requests };
}

const VALID_BODY: CreateChatBody = { context: { type: "ORDER", id: 11001 } };

describe("createChat input guards", () => {
  it.each([
    { businessId: 0, error: RangeError },
    { businessId: -1, error: RangeError },
    { businessId: 1.5, error: RangeError },
    { businessId: Number.NaN, error: RangeError },
    { businessId: Number.POSITIVE_INFINITY, error: RangeError },
    { businessId: 2 ** 53, error: RangeError },
    { businessId: "1001", error: TypeError },
  ])("refuses businessId $businessId before any request", async ({ businessId, error }) => {
    const { client, requests } = recordingClient();

    const call = createChat(client, businessId as number, VALID_BODY);

    await expect(call).rejects.toThrow(error);
    await expect(call).rejects.toThrow(/^businessId must be/);
    expect(requests).toHaveLength(0);
  });

  it.each([
    { label: "null", body: null, error: TypeError, names: /^body must be an object/ },
    { label: "a string", body: '{"orderId":11001}', error: TypeError, names: /^body must be an object/ },
    { label: "an array", body: [{ orderId: 11001 }], error: TypeError, names: /^body must be an object/ },
    { label: "without context or orderId", body: {}, error: TypeError, names: /^body must have context/ },
    { label: "with context not an object", body: { context: "ORDER" }, error: TypeError, names: /^body\.context must be/ },
    {
      label: "with an unknown context type",
      body: { context: { type: "CHAT", id: 11001 } },
      error: RangeError,
      names: /^body\.context\.type must be one of ORDER, RETURN/,
    },
    { label: "with context.type missing", body: { context: { id: 11001 } }, error: RangeError, names: /^body\.context\.type/ },
    { label: "with context.id missing", body: { context: { type: "ORDER" } }, error: TypeError, names: /^body\.context\.id/ },
    { label: "with context.id 0", body: { context: { type: "RETURN", id: 0 } }, error: RangeError, names: /^body\.context\.id/ },
    { label: "with context.id 1.5", body: { context: { type: "ORDER", id: 1.5 } }, error: RangeError, names: /^body\.context\.id/ },
    { label: "with orderId -5", body: { orderId: -5 }, error: RangeError, names: /^body\.orderId/ },
    { label: "with orderId 2**53", body: { orderId: 2 ** 53 }, error: RangeError, names: /^body\.orderId/ },
    { label: "with orderId as a string", body: { orderId: "11001" }, error: TypeError, names: /^body\.orderId/ },
  ])("refuses a body $label before any request", async ({ body, error, names }) => {
    const { client, requests } = recordingClient();

    const call = createChat(client, 1001, body as unknown as CreateChatBody);

    await expect(call).rejects.toThrow(error);
    await expect(call).rejects.toThrow(names);
    expect(requests).toHaveLength(0);
  });

  it("says what it got, so NaN and 2**53 are recognisable in the message", async () => {
    const { client } = recordingClient();

    await expect(createChat(client, Number.NaN, VALID_BODY)).rejects.toThrow("got NaN");
    await expect(createChat(client, 2 ** 53, VALID_BODY)).rejects.toThrow("got 9007199254740992");
  });

  it("sends the request when the input is at the edges of what is valid", async () => {
    const { client, requests } = recordingClient();

    await createChat(client, 1, { context: { type: "RETURN", id: Number.MAX_SAFE_INTEGER } }).catch(() => undefined);
    await createChat(client, Number.MAX_SAFE_INTEGER, { orderId: 1 }).catch(() => undefined);

    expect(requests.map((request) => request.url)).toEqual([
      "http://127.0.0.1:4010/v2/businesses/1/chats/new",
      "http://127.0.0.1:4010/v2/businesses/9007199254740991/chats/new",
    ]);
  });
});
