/**
 * verifyRequests: asserts what the mock received, from its journal, by method, path, status,
 * business, partial body and count, and fails with a message listing the closest requests
 * ("near misses", most criteria met first). The core imports no test runner.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { createChat, createMarketClient, getChatMessage, sendFile, sendMessage, type MarketClient } from "../client/index.js";
import { createManualClock } from "../mock/index.js";
import {
  checkRequests,
  createMockFetch,
  matchRequests,
  RequestVerificationError,
  startMock,
  toHaveReceived,
  verifyRequests,
  type JournalEntry,
  type MockFetch,
  type RequestCriteria,
} from "../testing/index.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");
const PATH_1001 = "/v2/businesses/1001/chats/new";

async function rejection(promise: Promise<unknown>): Promise<RequestVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestVerificationError);
  return error as RequestVerificationError;
}

describe("verifyRequests against a mock's journal", () => {
  let mock: MockFetch;
  let client: MarketClient;

  // #1 200 (1001, order 11001), #2 404 (1001, order 99999), #3 200 (1003), #4 403 bad token (1001, not counted)
  beforeEach(async () => {
    mock = createMockFetch({ clock: createManualClock(T0) });
    client = createMarketClient({ baseUrl: mock.baseUrl, apiKey: "demo-all-methods", fetch: mock });
    await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    await createChat(client, 1001, { context: { type: "ORDER", id: 99999 } });
    await createChat(client, 1003, { context: { type: "ORDER", id: 31001 } });
    const stranger = createMarketClient({ baseUrl: mock.baseUrl, apiKey: "no-such-token", fetch: mock });
    await createChat(stranger, 1001, { context: { type: "ORDER", id: 11001 } });
  });

  it("resolves to the matching requests, oldest first, for each criterion", async () => {
    const ids = async (criteria: RequestCriteria) => (await verifyRequests(mock, criteria)).map((e) => e.id);
    expect(await ids({})).toEqual([1, 2, 3, 4]);
    expect(await ids({ method: "post", path: PATH_1001 })).toEqual([1, 2, 4]);
    expect(await ids({ path: /\/businesses\/100[13]\// })).toEqual([1, 2, 3, 4]);
    expect(await ids({ status: 200 })).toEqual([1, 3]);
    expect(await ids({ businessId: 1003 })).toEqual([3]);
    // #4 was refused before its body was read, so the journal has no body for it.
    expect(await ids({ body: { context: { id: 11001 } } })).toEqual([1]);
    expect(await ids({ businessId: 1001, status: 200, body: { context: { type: "ORDER", id: 11001 } }, count: { exactly: 1 } })).toEqual([1]);
  });

  it("matches the business of a request that was not counted (refused at the credentials)", async () => {
    const [refused] = await verifyRequests(mock, { businessId: 1001, status: 403, count: { exactly: 1 } });
    expect([refused?.id, refused?.counted]).toEqual([4, false]);
  });

  it("checks the count: exactly n, at least n, exactly 0 for 'never'", async () => {
    await expect(verifyRequests(mock, { status: 200, count: { exactly: 2 } })).resolves.toHaveLength(2);
    await expect(verifyRequests(mock, { status: 200, count: { atLeast: 2 } })).resolves.toHaveLength(2);
    await expect(verifyRequests(mock, { status: 500, count: { exactly: 0 } })).resolves.toEqual([]);

    const tooMany = await rejection(verifyRequests(mock, { status: 200, count: { exactly: 1 } }));
    expect(tooMany.message).toBe(
      [
        "Expected the mock to have received exactly 1 request matching: status 200",
        "but 2 of 4 journaled requests matched:",
        "  #1 POST /v2/businesses/1001/chats/new -> 200 (business 1001)",
        "  #3 POST /v2/businesses/1003/chats/new -> 200 (business 1003)",
      ].join("\n"),
    );
    expect(tooMany.matched.map((e) => e.id)).toEqual([1, 3]);
    await rejection(verifyRequests(mock, { status: 200, count: { atLeast: 3 } }));
    await rejection(verifyRequests(mock, { status: 404, count: { exactly: 0 } }));
  });

  it("lists the near misses, most criteria met first, each with what it missed", async () => {
    const error = await rejection(
      verifyRequests(mock, { method: "POST", businessId: 1001, status: 200, body: { context: { type: "ORDER", id: 11002 } } }),
    );
    expect(error.message).toBe(
      [
        "Expected the mock to have received at least 1 request matching: method POST, status 200, businessId 1001, body {\"context\":{\"type\":\"ORDER\",\"id\":11002}}",
        "but 0 of 4 journaled requests matched.",
        "Near misses, closest first:",
        "  #1 POST /v2/businesses/1001/chats/new -> 200 (business 1001): meets 3 of 4; body at /context/id: expected 11002, got 11001",
        // Three meet 2 of 4; the newest of them come first. #4 was refused before its body was read.
        '  #4 POST /v2/businesses/1001/chats/new -> 403 (business 1001), not counted: meets 2 of 4; status: expected 200, got 403; body: expected {"context":{"type":"ORDER","id":11002}}, got nothing',
        "  #3 POST /v2/businesses/1003/chats/new -> 200 (business 1003): meets 2 of 4; businessId: expected 1001, got 1003; body at /context/id: expected 11002, got 31001",
      ].join("\n"),
    );
    expect(error.nearMisses.map((miss) => [miss.entry.id, miss.met])).toEqual([
      [1, 3],
      [4, 2],
      [3, 2],
    ]);
    expect(error.criteria.status).toBe(200);
  });

  it("says so when nothing reached the mock at all", async () => {
    await mock.control.reset();
    const error = await rejection(verifyRequests(mock, { businessId: 1001 }));
    expect(error.message).toBe(
      "Expected the mock to have received at least 1 request matching: businessId 1001\nbut the journal is empty: no API request reached the mock.",
    );
  });

  it("lists as many near misses as asked", async () => {
    const error = await rejection(verifyRequests(mock, { status: 201 }, { nearMisses: 1 }));
    expect(error.nearMisses).toHaveLength(1);
  });

  it("reads the journal from a control client, entries, a function, or a mock on a socket", async () => {
    const criteria: RequestCriteria = { businessId: 1003, count: { exactly: 1 } };
    const entries = await mock.control.requests();
    for (const source of [mock.control, entries, () => entries, async () => mock.control.requests()]) {
      expect((await verifyRequests(source, criteria)).map((e) => e.id)).toEqual([3]);
    }
    const onSocket = await startMock();
    try {
      await createChat(createMarketClient({ baseUrl: onSocket.url, apiKey: "demo-all-methods" }), 1004, { context: { type: "ORDER", id: 41001 } });
      await expect(verifyRequests(onSocket, { businessId: 1004, status: 200, count: { exactly: 1 } })).resolves.toHaveLength(1);
    } finally {
      await onSocket.stop();
    }
  });

  it("fails as a plain Error any test runner reports", async () => {
    const error = await rejection(verifyRequests(mock, { status: 500 }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RequestVerificationError");
    expect(String(error)).toMatch(/^RequestVerificationError: Expected the mock to have received at least 1 request matching: status 500\n/);
  });

  it("refuses a count that is not an integer >= 0", async () => {
    await expect(verifyRequests(mock, { count: { exactly: -1 } })).rejects.toThrow(RangeError);
    await expect(verifyRequests(mock, { count: { atLeast: 1.5 } })).rejects.toThrow(/count must be/);
  });
});

describe("verifying the chat family's requests", () => {
  it("by operationId (one path, two operations), a message's body and an upload's preview", async () => {
    const mock = createMockFetch({ clock: createManualClock(T0) });
    const client = createMarketClient({ baseUrl: mock.baseUrl, apiKey: "demo-all-methods", fetch: mock });
    const opened = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
    if (!opened.ok) throw new Error("no chat");
    await sendMessage(client, 1001, opened.chatId, "Hello");
    await getChatMessage(client, 1001, opened.chatId, 1);
    await sendFile(client, 1001, opened.chatId, { name: "label.pdf", type: "application/pdf", content: "%PDF-1.4" });
    const path = "/v2/businesses/1001/chats/message";
    expect((await verifyRequests(mock, { path })).map((e) => e.operationId)).toEqual(["sendMessageToChat", "getChatMessage"]);
    expect((await verifyRequests(mock, { operationId: "sendMessageToChat", body: { message: "Hello" }, count: { exactly: 1 } })).map((e) => e.id)).toEqual([2]);
    await verifyRequests(mock, { operationId: "sendFileToChat", status: 200, body: { multipart: { parts: [{ name: "file", filename: "label.pdf", contentType: "application/pdf", size: 8 }] } } });
    const missed = await rejection(verifyRequests(mock, { operationId: "getChatHistory" }));
    expect(missed.message).toContain("operationId: expected getChatHistory, got sendMessageToChat");
  });
});

describe("the partial body match", () => {
  const entry = (body: unknown): JournalEntry => ({
    id: 1,
    time: new Date(T0).toISOString(),
    method: "POST",
    path: PATH_1001,
    businessId: 1001,
    status: 200,
    durationMs: 1,
    counted: true,
    request: { headers: {}, body },
    response: { headers: {}, body: {} },
  });
  const matches = (expected: unknown, actual: unknown) => matchRequests([entry(actual)], { body: expected }).length === 1;

  it("ignores keys not given, at every depth", () => {
    expect(matches({ context: { type: "ORDER" } }, { context: { type: "ORDER", id: 1 }, extra: true })).toBe(true);
    expect(matches({}, { anything: 1 })).toBe(true);
    expect(matches({ context: { type: "RETURN" } }, { context: { type: "ORDER", id: 1 } })).toBe(false);
  });

  it("needs arrays of the same length, item by item partial", () => {
    expect(matches({ ids: [{ a: 1 }, { b: 2 }] }, { ids: [{ a: 1, x: 0 }, { b: 2 }] })).toBe(true);
    expect(matches({ ids: [1] }, { ids: [1, 2] })).toBe(false);
    expect(matches({ ids: [1, 2] }, { ids: { 0: 1, 1: 2 } })).toBe(false);
  });

  it("takes a RegExp for a string, and undefined for 'absent'", () => {
    expect(matches({ note: /^hello/ }, { note: "hello world" })).toBe(true);
    expect(matches({ note: /^hello/ }, { note: 5 })).toBe(false);
    expect(matches({ orderId: undefined }, { context: {} })).toBe(true);
    expect(matches({ orderId: undefined }, { orderId: 11001 })).toBe(false);
  });

  it("compares scalars exactly: no coercion", () => {
    expect(matches({ id: 11001 }, { id: "11001" })).toBe(false);
    expect(matches("raw text", "raw text")).toBe(true);
    expect(matches({ a: null }, { a: null })).toBe(true);
  });

  it("says where a body differs", async () => {
    const check = await checkRequests([entry({ context: { type: "ORDER", id: 1 } })], { body: { context: { kind: "ORDER" } } });
    expect(check.nearMisses[0]?.mismatches).toEqual(['body at /context/kind: expected "ORDER", got nothing']);
    const lengths = await checkRequests([entry({ ids: [1, 2] })], { body: { ids: [1] } });
    expect(lengths.nearMisses[0]?.mismatches).toEqual(["body at /ids: expected 1 items, got 2"]);
  });
});

describe("toHaveReceived, the same check as a matcher result", () => {
  const journal: JournalEntry[] = [];

  it("passes or fails with the verification's message, as vitest and jest call it", async () => {
    const failed = await toHaveReceived.call({ isNot: false }, journal, { status: 200 });
    expect(failed.pass).toBe(false);
    expect(failed.message()).toMatch(/^Expected the mock to have received at least 1 request matching: status 200\nbut the journal is empty/);
    const never = await toHaveReceived.call({ isNot: true }, journal, { status: 200 });
    expect(never.pass).toBe(false); // the runner inverts it for .not: no request matched, as wanted
  });
});

describe("the core testing entry", () => {
  it("imports no test runner and no MSW, directly or through its own modules", () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']/g)) {
        if (specifier!.startsWith(".")) visit(resolve(dirname(file), specifier!.replace(/\.js$/, ".ts")));
        else bare.add(specifier!.replace(/^(@[^/]+\/[^/]+|[^/]+).*$/, "$1"));
      }
    };
    visit(join(import.meta.dirname, "..", "testing", "index.ts"));
    expect(seen.size).toBeGreaterThan(5);
    expect([...bare].filter((name) => ["vitest", "jest", "@jest/globals", "msw", "axios"].includes(name))).toEqual([]);
  });
});
