/**
 * The chat family's typed functions on the in-process mock: each result is the typed success or
 * failure the contract describes, the iterators walk every page once and stop on a failure or a
 * repeated token, the inputs are checked before anything is sent, and the rate-limit guard keeps a
 * budget per operation. The customer's side is played through the control client.
 */
import { describe, expect, it } from "vitest";
import {
  createChat,
  createMarketClient,
  createRateLimitGuard,
  getChat,
  getChatHistory,
  getChatMessage,
  getChats,
  iterateChatHistory,
  iterateChats,
  PageFailedError,
  RateLimitError,
  sendFile,
  sendMessage,
  UnexpectedResponseError,
  type MarketClient,
} from "../client/index.js";
import { createManualClock } from "../mock/state/clock.js";
import { createMockFetch, type MockFetchOptions } from "../testing/index.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");

function setup(options: MockFetchOptions = {}) {
  const clock = createManualClock(T0);
  const fetch = createMockFetch({ clock, ...options });
  const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
  return { clock, fetch, client };
}

async function openChat(client: MarketClient, orderId = 11001): Promise<number> {
  const opened = await createChat(client, 1001, { context: { type: "ORDER", id: orderId } });
  if (!opened.ok) throw new Error(`createChat answered ${opened.status}`);
  return opened.chatId;
}

describe("the chat functions' typed results", () => {
  it("getChat: the chat as createChat opened it, with getChat's own quota", async () => {
    const { client } = setup();
    const chatId = await openChat(client);
    expect(await getChat(client, 1001, chatId)).toEqual({
      ok: true,
      status: 200,
      chat: {
        chatId,
        orderId: 11001,
        context: { type: "ORDER", orderId: 11001 },
        type: "CHAT",
        status: "NEW",
        createdAt: "2026-11-25T12:00:00.000Z",
        updatedAt: "2026-11-25T12:00:00.000Z",
      },
      rateLimit: { limit: 1000, remaining: 999, until: new Date(T0 + 3_600_000) },
    });
  });

  it("a chat of another business is the same typed 404 as one that does not exist", async () => {
    const { client } = setup();
    const chatId = await openChat(client);
    const other = await getChat(client, 1002, chatId);
    const none = await getChat(client, 1002, 999_999);
    expect(other).toMatchObject({ ok: false, status: 404, errors: [{ code: "CHAT_NOT_FOUND", message: `Chat ${chatId} not found in business 1002 (/chatId)` }] });
    expect(none).toMatchObject({ ok: false, status: 404, errors: [{ code: "CHAT_NOT_FOUND" }] });
  });

  it("sendMessage, sendFile and the customer's answer: the history has them in order and the status moves", async () => {
    const { clock, client, fetch } = setup();
    const chatId = await openChat(client);
    expect(await sendMessage(client, 1001, chatId, "Hello")).toMatchObject({ ok: true, status: 200, rateLimit: { remaining: 999 } });
    clock.advance(1000);
    expect(await sendFile(client, 1001, chatId, { name: "label.pdf", type: "application/pdf", content: "%PDF-1.4" })).toMatchObject({ ok: true });
    expect(await getChat(client, 1001, chatId)).toMatchObject({ ok: true, chat: { status: "WAITING_FOR_CUSTOMER", updatedAt: "2026-11-25T12:00:01.000Z" } });
    clock.advance(1000);
    const answered = await fetch.control.postMessage(chatId, { sender: "CUSTOMER", message: "Thanks!" });
    expect(answered.chat.status).toBe("WAITING_FOR_PARTNER");

    const history = await getChatHistory(client, 1001, chatId);
    if (!history.ok) throw new Error(`getChatHistory answered ${history.status}`);
    expect(history.context).toEqual({ type: "ORDER", orderId: 11001 });
    expect(history.nextPageToken).toBeUndefined();
    expect(history.messages).toEqual([
      { messageId: 1, createdAt: "2026-11-25T12:00:00.000Z", sender: "PARTNER", message: "Hello" },
      { messageId: 2, createdAt: "2026-11-25T12:00:01.000Z", sender: "PARTNER", payload: [{ name: "label.pdf", size: 8, url: `${fetch.baseUrl}/__mock/files/1` }] },
      { messageId: 3, createdAt: "2026-11-25T12:00:02.000Z", sender: "CUSTOMER", message: "Thanks!" },
    ]);
    expect(await getChatMessage(client, 1001, chatId, 3)).toMatchObject({ ok: true, message: { sender: "CUSTOMER", message: "Thanks!" } });
    expect(await getChatMessage(client, 1001, chatId, 4)).toMatchObject({ ok: false, status: 404, errors: [{ code: "MESSAGE_NOT_FOUND" }] });
    // The small file's bytes are kept, at the URL its message names.
    expect(new TextDecoder().decode(await fetch.control.fileBytes(1))).toBe("%PDF-1.4");
  });

  it("a refused message or file is a typed 400 with the contract's reason", async () => {
    const { client } = setup();
    const chatId = await openChat(client);
    expect(await sendMessage(client, 1001, chatId, "")).toMatchObject({ ok: false, status: 400, errors: [{ code: "INVALID_REQUEST", message: "/message must be a non-empty string" }] });
    expect(await sendMessage(client, 1001, chatId, "x".repeat(4097))).toMatchObject({ ok: false, status: 400 });
    expect(await sendFile(client, 1001, chatId, { name: "setup.exe", type: "application/x-msdownload", content: "MZ" })).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ code: "FILE_TYPE_NOT_ALLOWED" }],
    });
    expect(await sendFile(client, 1001, chatId, { name: "big.pdf", type: "application/pdf", content: new Uint8Array(5 * 1024 * 1024 + 1) })).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ code: "FILE_TOO_LARGE" }],
    });
  });

  it("checks ids and values before sending anything", async () => {
    const sent: Request[] = [];
    const client = createMarketClient({ baseUrl: "http://mock.local", apiKey: "k", fetch: async (request) => (sent.push(request), new Response("{}")) });
    await expect(getChat(client, 0, 1)).rejects.toThrow(RangeError);
    await expect(getChat(client, 1001, 1.5)).rejects.toThrow(/chatId must be a positive safe integer/);
    await expect(sendMessage(client, 1001, 1, 42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(getChatMessage(client, 1001, 1, Number.NaN)).rejects.toThrow(/messageId/);
    await expect(getChats(client, 1001, [] as never)).rejects.toThrow(/filter must be an object/);
    await expect(getChatHistory(client, 1001, 1, { limit: 0 })).rejects.toThrow(/options.limit/);
    await expect(sendFile(client, 1001, 1, { content: "x" } as never)).rejects.toThrow(/file.name must be a string/);
    expect(sent).toEqual([]);
  });
});

describe("iterating over pages", () => {
  it("iterateChatHistory walks 5 messages in pages of 2, each page once, oldest first", async () => {
    const { client } = setup();
    const chatId = await openChat(client);
    for (let i = 1; i <= 5; i++) await sendMessage(client, 1001, chatId, `message ${i}`);
    const pages = [];
    for await (const page of iterateChatHistory(client, 1001, chatId, { limit: 2 })) pages.push(page.messages.map((m) => m.message));
    expect(pages).toEqual([["message 1", "message 2"], ["message 3", "message 4"], ["message 5"]]);
  });

  it("iterateChats walks the business's chats in pages, filtered", async () => {
    const { client } = setup();
    for (const orderId of [11001, 11002, 11003]) await openChat(client, orderId);
    const first = await openChat(client, 11001);
    await sendMessage(client, 1001, first, "hi");
    const all = [];
    for await (const page of iterateChats(client, 1001, {}, { limit: 2 })) all.push(page.chats.map((c) => c.context.orderId));
    expect(all).toEqual([[11001, 11002], [11003]]);
    const waiting = [];
    for await (const page of iterateChats(client, 1001, { statuses: ["WAITING_FOR_CUSTOMER"] })) waiting.push(...page.chats.map((c) => c.chatId));
    expect(waiting).toEqual([first]);
  });

  it("a refused page ends the walk with a PageFailedError that carries the typed failure", async () => {
    const { client } = setup();
    const pages = iterateChatHistory(client, 1001, 999_999);
    const error = await pages.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PageFailedError);
    expect(error).toMatchObject({ pagesRead: 0, failure: { ok: false, status: 404, errors: [{ code: "CHAT_NOT_FOUND" }] } });
  });

  it("a server that hands back an earlier page's token stops the walk instead of looping", async () => {
    let calls = 0;
    const headers = { "Content-Type": "application/json", "X-RateLimit-Resource-Limit": "5000", "X-RateLimit-Resource-Remaining": "4999", "X-RateLimit-Resource-Until": "Wed, 25 Nov 2026 13:00:00 GMT" };
    const client = createMarketClient({
      baseUrl: "http://mock.local",
      apiKey: "k",
      fetch: async () => {
        calls += 1;
        return new Response(JSON.stringify({ status: "OK", result: { chats: [], paging: { nextPageToken: "same" } } }), { headers });
      },
    });
    const seen = [];
    await expect(
      (async () => {
        for await (const page of iterateChats(client, 1001)) seen.push(page);
      })(),
    ).rejects.toThrow(UnexpectedResponseError);
    expect([seen.length, calls]).toEqual([2, 2]);
  });
});

describe("the rate-limit guard keeps a budget per operation", () => {
  it("a spent getChatHistory quota is refused locally while sendMessage and getChat of the same business go on", async () => {
    const { clock, client } = setup({ operationQuotas: { getChatHistory: { limit: 2 } } });
    client.use(createRateLimitGuard({ clock }));
    const chatId = await openChat(client);
    for (let i = 0; i < 2; i++) expect(await getChatHistory(client, 1001, chatId)).toMatchObject({ ok: true, rateLimit: { limit: 2 } });
    const refused = await getChatHistory(client, 1001, chatId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ kind: "hourly", local: true, limit: 2, businessId: 1001 });
    expect(await sendMessage(client, 1001, chatId, "still fine")).toMatchObject({ ok: true, rateLimit: { limit: 1000, remaining: 999 } });
    expect(await getChat(client, 1001, chatId)).toMatchObject({ ok: true });
    clock.advance(3_600_000);
    expect(await getChatHistory(client, 1001, chatId)).toMatchObject({ ok: true, rateLimit: { remaining: 1 } });
  });
});
