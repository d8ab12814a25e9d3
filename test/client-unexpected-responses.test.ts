import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, UnexpectedResponseError } from "../client/index.js";

const QUOTA_HEADERS = {
  "X-RateLimit-Resource-Limit": "1000",
  "X-RateLimit-Resource-Remaining": "997",
  "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT",
};

/** A client whose fetch answers a fresh Response made by `answer`. */
function clientAnswering(answer: () => Response) {
  const fetch = async (): Promise<Response> => answer();
  return createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", fetch });
}

async function unexpectedErrorOf(answer: () => Response): Promise<UnexpectedResponseError> {
  const call = createChat(clientAnswering(answer), 1001, { context: { type: "ORDER", id: 11001 } });
  const error = await call.then(
    (result) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UnexpectedResponseError);
  return error as UnexpectedResponseError;
}

describe("createChat on answers outside the contract", () => {
  it("rejects a status the contract does not declare, with the status and the body text", async () => {
    const error = await unexpectedErrorOf(
      () => new Response("I'm a teapot", { status: 418, headers: QUOTA_HEADERS }),
    );

    expect(error.status).toBe(418);
    expect(error.bodyText).toBe("I'm a teapot");
    expect(error.name).toBe("UnexpectedResponseError");
    expect(error.message).toMatch(/HTTP 418: status not declared/);
  });

  it("rejects an undeclared 2xx even when its body looks like a success", async () => {
    const error = await unexpectedErrorOf(() =>
      Response.json({ status: "OK", result: { chatId: 7340001 } }, { status: 201, headers: QUOTA_HEADERS }),
    );

    expect(error.status).toBe(201);
  });

  it("rejects a 204 without a body", async () => {
    const error = await unexpectedErrorOf(() => new Response(null, { status: 204, headers: QUOTA_HEADERS }));

    expect(error.status).toBe(204);
    expect(error.bodyText).toBe("");
  });

  it("rejects a 200 whose body is not JSON with UnexpectedResponseError, not a SyntaxError", async () => {
    const html = "<html><body>Bad gateway</body></html>";
    const error = await unexpectedErrorOf(
      () => new Response(html, { status: 200, headers: { ...QUOTA_HEADERS, "Content-Type": "text/html" } }),
    );

    expect(error.status).toBe(200);
    expect(error.bodyText).toBe(html);
    expect(error.message).toMatch(/body is not JSON/);
  });

  it.each([
    { label: "no result", body: { status: "OK" } },
    { label: "no chatId", body: { status: "OK", result: {} } },
    { label: "chatId as a string", body: { status: "OK", result: { chatId: "7340001" } } },
    { label: "chatId 0", body: { status: "OK", result: { chatId: 0 } } },
    { label: "status ERROR", body: { status: "ERROR", result: { chatId: 7340001 } } },
  ])("rejects a 200 whose body has $label", async ({ body }) => {
    const error = await unexpectedErrorOf(() => Response.json(body, { status: 200, headers: QUOTA_HEADERS }));

    expect(error.status).toBe(200);
    expect(JSON.parse(error.bodyText)).toEqual(body);
  });

  it("rejects a 200 without the quota headers the contract requires on it", async () => {
    const error = await unexpectedErrorOf(() => Response.json({ status: "OK", result: { chatId: 7340001 } }));

    expect(error.status).toBe(200);
    expect(error.message).toMatch(/X-RateLimit-Resource-\* headers/);
  });

  it.each([
    { label: "an empty errors[]", body: { status: "ERROR", errors: [] } },
    { label: "no errors[]", body: { status: "ERROR" } },
    { label: "an error without code", body: { status: "ERROR", errors: [{ message: "x" }] } },
    { label: "status OK (the vendor's doc artefact)", body: { status: "OK", errors: [{ code: "NOT_FOUND" }] } },
  ])("rejects a declared error status whose body has $label", async ({ body }) => {
    const error = await unexpectedErrorOf(() => Response.json(body, { status: 404, headers: QUOTA_HEADERS }));

    expect(error.status).toBe(404);
    expect(JSON.parse(error.bodyText)).toEqual(body);
  });

  it("rejects a declared error status whose body is plain text, keeping the text", async () => {
    const error = await unexpectedErrorOf(() => new Response("Internal Server Error", { status: 500 }));

    expect(error.status).toBe(500);
    expect(error.bodyText).toBe("Internal Server Error");
  });

  it("passes a network failure of fetch through unchanged", async () => {
    const failure = new TypeError("fetch failed");
    const client = createMarketClient({
      baseUrl: "http://127.0.0.1:4010",
      apiKey: "ACMA:key-1",
      fetch: async () => {
        throw failure;
      },
    });

    await expect(createChat(client, 1001, { orderId: 11001 })).rejects.toBe(failure);
  });
});
