/**
 * The chat family on the mock, beyond the behaviour table: the upload bound read from the contract
 * (a file upload is refused once past it, over a socket, without the rest being read), the journal
 * keeping a multipart body as a preview, the read-only scope, paging defaults from the contract,
 * latency and faults on the new operations, and each operation's own quota headers.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { bodyLimitBytes, MULTIPART_OVERHEAD_BYTES } from "../mock/stages/body.js";
import { createManualClock } from "../mock/state/clock.js";
import { demoFixtures } from "../mock/state/fixtures.js";
import { createMockState } from "../mock/state/memory-state.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const API = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };
const contract = loadContract();

describe("the body bound, per operation and media type, from the contract", () => {
  it("multipart/form-data of sendFileToChat: the file part's maxLength plus room for the parts' headers; JSON: 64 KiB", () => {
    const body = contract.operation("sendFileToChat").requestBody;
    expect(body?.fileParts.get("multipart/form-data")).toEqual([{ name: "file", required: true, minBytes: 1, maxBytes: 5_242_880, contentTypes: expect.arrayContaining(["application/pdf", "image/png"]) }]);
    expect(bodyLimitBytes(body, "multipart/form-data; boundary=x")).toBe(5_242_880 + MULTIPART_OVERHEAD_BYTES);
    expect(bodyLimitBytes(body, "application/json")).toBe(64 * 1024);
    expect(bodyLimitBytes(contract.operation("sendMessageToChat").requestBody, "application/json")).toBe(64 * 1024);
  });
});

describe("an upload over the bound, over a socket", () => {
  let mock: RunningMock;
  let chatId: number;
  beforeAll(async () => {
    const state = createMockState();
    chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, state.clock.now()).chat.chatId;
    mock = await startMockServer({ port: 0, state });
  });
  afterAll(async () => {
    await mock?.close();
  });

  /** Streams a chunked multipart body of up to `capBytes`, stopping as soon as the answer comes; resolves to it and the bytes sent. */
  function streamUpload(capBytes: number): Promise<{ status: number; body: string; sent: number }> {
    const boundary = "bound";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = httpRequest(`${mock.url}/v2/businesses/1001/chats/file/send?chatId=${chatId}`, {
        method: "POST",
        headers: { "Api-Key": "demo-all-methods", "Content-Type": `multipart/form-data; boundary=${boundary}`, "Transfer-Encoding": "chunked" },
      });
      req.on("response", (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), sent });
          req.destroy();
        });
      });
      // The server may close the connection while this side still writes: that is the point.
      req.on("error", (error) => (answered ? undefined : reject(error)));
      const write = () => {
        while (!answered && sent < capBytes) {
          const data = sent === 0 ? head : chunk;
          sent += data.length;
          if (!req.write(data)) return void req.once("drain", write);
        }
        if (!answered) req.end();
      };
      write();
    });
  }

  it("is answered FILE_TOO_LARGE once past it, before the client has sent what it meant to", async () => {
    const cap = 64 * 1024 * 1024;
    const answer = await streamUpload(cap);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0]).toEqual({ code: "FILE_TOO_LARGE", message: "Request body is larger than 5308416 bytes: a file may have at most 5242880 (/file)" });
    // Socket buffers let some more through before the answer is read, but far from all of it.
    expect(answer.sent).toBeLessThan(cap);
    const [entry] = mock.app.state.journal.list({ limit: 1 }) as Array<{ request: { body?: unknown }; operationId?: string }>;
    expect(entry).toMatchObject({ operationId: "sendFileToChat", request: { body: "(body over the size limit, not read)" } });
  });
});

describe("the journal keeps a multipart body as a preview", () => {
  it("its size and each part's name, file name, type and size; never the bytes", async () => {
    const state = createMockState();
    const app = createMockApp({ state });
    const chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, state.clock.now()).chat.chatId;
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(300_000).fill(0x25)], { type: "application/pdf" }), "scan.pdf");
    form.append("comment", "for the courier");
    const res = await app.request(`/v2/businesses/1001/chats/file/send?chatId=${chatId}`, { method: "POST", headers: { "Api-Key": "demo-all-methods" }, body: form });
    expect(res.status).toBe(200);
    const [entry] = state.journal.list({ limit: 1 });
    expect(entry?.request.body).toEqual({
      multipart: {
        bytes: expect.any(Number),
        parts: [
          { name: "file", filename: "scan.pdf", contentType: "application/pdf", size: 300_000 },
          { name: "comment", size: 15 },
        ],
      },
    });
    expect(JSON.stringify(entry?.request.body).length).toBeLessThan(300);
  });
});

describe("scopes: the read-only token reads chats and does not write", () => {
  const fixtures = {
    ...demoFixtures,
    tokens: [...demoFixtures.tokens, { token: "reader", scheme: "api-key" as const, scopes: ["all-methods:read-only"], businesses: [1001] }],
  };
  it.each([
    ["getChat", "GET", "/chat?chatId={chat}", undefined, 200],
    ["getChats", "POST", "/chats", {}, 200],
    ["getChatHistory", "POST", "/chats/history?chatId={chat}", {}, 200],
    ["getChatMessage", "GET", "/chats/message?chatId={chat}&messageId=1", undefined, 404],
    ["sendMessageToChat", "POST", "/chats/message?chatId={chat}", { message: "hi" }, 403],
  ] as const)("%s", async (_op, method, path, body, status) => {
    const state = createMockState({ fixtures });
    const app = createMockApp({ state });
    const chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, state.clock.now()).chat.chatId;
    const res = await app.request(`/v2/businesses/1001${path.replace("{chat}", String(chatId))}`, {
      method,
      headers: { "Api-Key": "reader", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    if (status === 403) expect((await res.json()).errors[0]).toMatchObject({ code: "INSUFFICIENT_SCOPE", message: "The token needs one of the scopes communication, all-methods; it has all-methods:read-only" });
  });
});

describe("paging defaults come from the contract's parameter schemas", () => {
  it("getChats pages 10 chats by default, getChatHistory 50 messages", async () => {
    const state = createMockState();
    const app = createMockApp({ state });
    for (let id = 11001; id <= 11010; id++) state.chats.openChat(1001, { type: "ORDER", id }, T0);
    state.chats.openChat(1001, { type: "RETURN", id: 12001 }, T0);
    for (let i = 0; i < 51; i++) state.chats.postMessage(1, { sender: "CUSTOMER", text: `m${i}` }, T0);
    const chats = (await (await app.request("/v2/businesses/1001/chats", { method: "POST", headers: API, body: "{}" })).json()) as any;
    expect([chats.result.chats.length, typeof chats.result.paging.nextPageToken]).toEqual([10, "string"]);
    const history = (await (await app.request("/v2/businesses/1001/chats/history?chatId=1", { method: "POST", headers: API, body: "{}" })).json()) as any;
    expect([history.result.messages.length, typeof history.result.paging.nextPageToken]).toEqual([50, "string"]);
    const defaults = contract.operation("getChats").parameters.find((p) => p.name === "limit")?.schema;
    expect(defaults).toMatchObject({ default: 10, maximum: 20 });
  });

  it("a token stays good when chats are added before the next page is read", async () => {
    const state = createMockState();
    const app = createMockApp({ state });
    for (let id = 11001; id <= 11003; id++) state.chats.openChat(1001, { type: "ORDER", id }, T0);
    const page = async (query: string) => (await (await app.request(`/v2/businesses/1001/chats?${query}`, { method: "POST", headers: API, body: "{}" })).json()) as any;
    const first = await page("limit=2");
    state.chats.openChat(1001, { type: "ORDER", id: 11004 }, T0);
    const second = await page(`limit=2&pageToken=${first.result.paging.nextPageToken}`);
    expect(second.result.chats.map((c: { context: { orderId: number } }) => c.context.orderId)).toEqual([11003, 11004]);
    // The same query at the same place gives the same token: tokens are stable, not random.
    expect((await page("limit=2")).result.paging.nextPageToken).toBe(first.result.paging.nextPageToken);
  });
});

describe("each operation is counted on its own, with its own headers", () => {
  it("createChat, getChats and getChatHistory of one business each start their own window", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const app = createMockApp({ state });
    const chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, T0).chat.chatId;
    const limitAndRemaining = (res: Response) => [res.headers.get("x-ratelimit-resource-limit"), res.headers.get("x-ratelimit-resource-remaining")];
    const create = await app.request("/v2/businesses/1001/chats/new", { method: "POST", headers: API, body: JSON.stringify({ context: { type: "ORDER", id: 11002 } }) });
    const list = await app.request("/v2/businesses/1001/chats", { method: "POST", headers: API, body: "{}" });
    const history = await app.request(`/v2/businesses/1001/chats/history?chatId=${chatId}`, { method: "POST", headers: API, body: "{}" });
    expect([limitAndRemaining(create), limitAndRemaining(list), limitAndRemaining(history)]).toEqual([
      ["1000", "999"],
      ["5000", "4999"],
      ["10000", "9999"],
    ]);
    expect(state.quota("createChat").peek(1001)?.used).toBe(1);
    expect(state.quota("getChat").peek(1001)).toBeUndefined();
  });

  it("the in-flight limit is shared: requests of different operations of one business fill the same slots", async () => {
    const pending: Array<() => void> = [];
    const state = createMockState({ parallelLimit: 2 });
    const app = createMockApp({ state, latency: { minMs: 1, maxMs: 1 }, sleep: () => new Promise<void>((resolve) => pending.push(resolve)) });
    const chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, T0).chat.chatId;
    const held = [
      app.request(`/v2/businesses/1001/chat?chatId=${chatId}`, { headers: API }),
      app.request("/v2/businesses/1001/chats", { method: "POST", headers: API, body: "{}" }),
    ];
    // Both are held in the injected sleep once their sleeps are pending (a few turns of the event loop).
    for (let turn = 0; pending.length < 2 && turn < 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(state.inFlight(1001)).toBe(2);
    const third = await app.request(`/v2/businesses/1001/chats/history?chatId=${chatId}`, { method: "POST", headers: API, body: "{}" });
    expect([third.status, (await third.json()).errors[0].message]).toEqual([420, "Hit rate limit of 2 parallel requests for businessId 1001"]);
    for (const release of pending.splice(0)) release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
  });
});

describe("hostile multipart bodies", () => {
  it("any bytes under a multipart Content-Type are a 400 in the API's shape, never a 5xx, and store nothing", async () => {
    const { default: fc } = await import("fast-check");
    const state = createMockState();
    const app = createMockApp({ state });
    const chatId = state.chats.openChat(1001, { type: "ORDER", id: 11001 }, T0).chat.chatId;
    const part = (name: string, body: string) => `--b\r\nContent-Disposition: form-data; name="${name}"; filename="x.pdf"\r\nContent-Type: application/pdf\r\n\r\n${body}\r\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 200 }).map((text) => Buffer.from(`--b\r\n${text}`)),
          fc.string({ maxLength: 50 }).map((name) => Buffer.from(`${part(name, "%PDF")}--b--`)),
          fc.string({ maxLength: 50 }).map((text) => Buffer.from(`${part("file", "%PDF")}${text}`)),
        ),
        fc.constantFrom("multipart/form-data; boundary=b", "multipart/form-data; boundary=\"b\"", "multipart/form-data; boundary=", "multipart/mixed; boundary=b"),
        async (body, contentType) => {
          const res = await app.request(`/v2/businesses/1001/chats/file/send?chatId=${chatId}`, { method: "POST", headers: { "Api-Key": "demo-all-methods", "Content-Type": contentType }, body });
          const json = (await res.json()) as { status: string; errors?: Array<{ code: string }> };
          expect(res.status === 200 || res.status === 400, `${res.status} ${JSON.stringify(json)}`).toBe(true);
          if (res.status === 400) expect(json.status).toBe("ERROR");
        },
      ),
      { numRuns: 200 },
    );
    // Only a body that is a well-formed upload of an allowed file added a message.
    for (const message of state.chats.messages(chatId, { limit: 1000 }).items) expect(message.files?.[0]).toMatchObject({ name: "x.pdf", mediaType: "application/pdf" });
    expect(state.journal.list().filter((e) => e.status >= 500)).toEqual([]);
  });
});
