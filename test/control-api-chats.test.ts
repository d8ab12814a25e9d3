/**
 * The control API's chat and quota endpoints: the customer, the marketplace and support write into
 * a chat; a DIRECT chat is opened; a chat's type and status are set; a kept file is read back; one
 * operation's quota is changed and put back. Every bad input is a 400 naming the field, and leaves
 * the state as it was.
 */
import { describe, expect, it } from "vitest";
import { createMockApp, type MockApp, type MockOptions } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const API = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };

function mock(options: MockOptions = {}): MockApp {
  return createMockApp({ clock: createManualClock(T0), ...options });
}

async function control(app: MockApp, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await app.request(`/__mock${path}`, {
    method,
    // Every state-changing control call says JSON, body or not (a web page could not).
    headers: body === undefined && (method === "GET" || method === "HEAD") ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function openChat(app: MockApp, orderId = 11001): Promise<number> {
  const res = await app.request("/v2/businesses/1001/chats/new", { method: "POST", headers: API, body: JSON.stringify({ context: { type: "ORDER", id: orderId } }) });
  return ((await res.json()) as { result: { chatId: number } }).result.chatId;
}

async function api(app: MockApp, method: string, path: string, body?: unknown) {
  const res = await app.request(path, { method, headers: API, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

describe("POST /__mock/chats/{chatId}/messages", () => {
  it("posts as the customer: the API then shows the message and the chat waits for the seller", async () => {
    const app = mock();
    const chatId = await openChat(app);
    const { status, json } = await control(app, "POST", `/chats/${chatId}/messages`, { sender: "CUSTOMER", message: "Where is my parcel?" });
    expect(status).toBe(201);
    expect(json).toEqual({
      message: { messageId: 1, sender: "CUSTOMER", createdAt: new Date(T0).toISOString(), message: "Where is my parcel?" },
      chat: expect.objectContaining({ chatId, status: "WAITING_FOR_PARTNER", updatedAt: new Date(T0).toISOString(), messages: 1 }),
    });
    expect((await api(app, "GET", `/v2/businesses/1001/chats/message?chatId=${chatId}&messageId=1`)).json.result).toEqual({
      messageId: 1,
      createdAt: new Date(T0).toISOString(),
      sender: "CUSTOMER",
      message: "Where is my parcel?",
    });
  });

  it("posts a file as support, kept and served back with its digest; MARKET leaves the status alone", async () => {
    const app = mock();
    const chatId = await openChat(app);
    const posted = await control(app, "POST", `/chats/${chatId}/messages`, { sender: "SUPPORT", file: { name: "rules.txt", base64: Buffer.from("be kind").toString("base64") } });
    expect(posted.json.message.files).toEqual([{ fileId: 1, name: "rules.txt", mediaType: "text/plain", size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), kept: true, path: "/__mock/files/1" }]);
    expect(posted.json.chat.status).toBe("WAITING_FOR_PARTNER");
    const file = await app.request("/__mock/files/1");
    expect([file.status, file.headers.get("content-type"), await file.text()]).toEqual([200, "text/plain", "be kind"]);
    expect(file.headers.get("x-content-sha256")).toBe(posted.json.message.files[0].sha256);
    await api(app, "POST", `/v2/businesses/1001/chats/message?chatId=${chatId}`, { message: "Thank you" });
    const auto = await control(app, "POST", `/chats/${chatId}/messages`, { sender: "MARKET", message: "The order was delivered" });
    expect(auto.json.chat.status).toBe("WAITING_FOR_CUSTOMER");
  });

  it.each([
    [{ sender: "PARTNER", message: "hi" }, "/sender must be one of CUSTOMER, MARKET, SUPPORT"],
    [{ sender: "CUSTOMER" }, "(root) must have /message, /file or both"],
    [{ sender: "CUSTOMER", message: "" }, "/message must be a non-empty string"],
    [{ sender: "CUSTOMER", message: "x".repeat(4097) }, "/message must be at most 4096 characters long"],
    [{ sender: "CUSTOMER", file: { name: "a.txt", base64: "not base64!" } }, "/file/base64 must match pattern"],
    [{ sender: "CUSTOMER", message: "hi", mood: "angry" }, "/mood is not allowed"],
  ])("refuses %j: %s, posting nothing", async (body, message) => {
    const app = mock();
    const chatId = await openChat(app);
    const { status, json } = await control(app, "POST", `/chats/${chatId}/messages`, body);
    expect(status).toBe(400);
    expect(json.errors[0]).toMatchObject({ code: "INVALID_CONTROL_REQUEST", message: expect.stringContaining(message) });
    expect(await app.state.chats.messageCount(chatId)).toBe(0);
  });

  it("an unknown chat is 404, a finished one 400", async () => {
    const app = mock();
    expect((await control(app, "POST", "/chats/77/messages", { sender: "CUSTOMER", message: "hi" })).json.errors[0].code).toBe("CONTROL_NOT_FOUND");
    const chatId = await openChat(app);
    await control(app, "PATCH", `/chats/${chatId}`, { status: "FINISHED" });
    const refused = await control(app, "POST", `/chats/${chatId}/messages`, { sender: "CUSTOMER", message: "hi" });
    expect([refused.status, refused.json.errors[0].message]).toEqual([400, expect.stringContaining("is FINISHED")]);
  });
});

describe("POST /__mock/chats: a DIRECT chat", () => {
  it("opens one with its customer and first message; the API lists and reads it", async () => {
    const app = mock();
    const opened = await control(app, "POST", "/chats", { businessId: 1002, customer: { name: "Anna P." }, message: "Do you ship to Kazan?" });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ businessId: 1002, context: { type: "DIRECT" }, customer: { name: "Anna P." }, status: "WAITING_FOR_PARTNER", messages: 1 });
    const listed = await api(app, "POST", "/v2/businesses/1002/chats", { contextTypes: ["DIRECT"] });
    expect(listed.json.result.chats).toEqual([
      { chatId: opened.json.chatId, context: { type: "DIRECT", customer: { name: "Anna P." } }, type: "CHAT", status: "WAITING_FOR_PARTNER", createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString() },
    ]);
  });

  it("refuses a business the fixtures do not have", async () => {
    const app = mock();
    const { status, json } = await control(app, "POST", "/chats", { businessId: 4242 });
    expect([status, json.errors[0].message]).toEqual([400, "/businessId 4242 is not a business of the fixtures in force"]);
    expect(await app.state.chats.size()).toBe(0);
  });
});

describe("GET and PATCH /__mock/chats/{chatId}", () => {
  it("shows the chat with its messages; PATCH makes it a dispute, then finishes it", async () => {
    const app = mock();
    const chatId = await openChat(app);
    await api(app, "POST", `/v2/businesses/1001/chats/message?chatId=${chatId}`, { message: "Hello" });
    const shown = await control(app, "GET", `/chats/${chatId}`);
    expect(shown.json).toMatchObject({ chatId, status: "WAITING_FOR_CUSTOMER", messages: 1, messageList: [{ sender: "PARTNER", message: "Hello" }] });
    expect((await control(app, "PATCH", `/chats/${chatId}`, { type: "ARBITRAGE" })).json).toMatchObject({ type: "ARBITRAGE", status: "WAITING_FOR_ARBITER" });
    expect((await api(app, "GET", `/v2/businesses/1001/chat?chatId=${chatId}`)).json.result).toMatchObject({ type: "ARBITRAGE", status: "WAITING_FOR_ARBITER" });
    expect((await control(app, "PATCH", `/chats/${chatId}`, { status: "FINISHED" })).json.status).toBe("FINISHED");
    const refused = await api(app, "POST", `/v2/businesses/1001/chats/message?chatId=${chatId}`, { message: "Hello?" });
    expect([refused.status, refused.json.errors[0].code]).toEqual([400, "CHAT_FINISHED"]);
  });

  it("refuses an empty change and unknown values", async () => {
    const app = mock();
    const chatId = await openChat(app);
    expect((await control(app, "PATCH", `/chats/${chatId}`, {})).json.errors[0].message).toBe("(root) must have at least 1 property");
    expect((await control(app, "PATCH", `/chats/${chatId}`, { status: "OPEN" })).json.errors[0].message).toMatch(/^\/status must be one of NEW, /);
    expect((await app.state.chats.chatById(chatId))?.status).toBe("NEW");
    expect((await control(app, "GET", "/chats/abc")).status).toBe(404);
  });
});

describe("GET /__mock/files/{fileId}", () => {
  it("a file over --keep-file-bytes keeps its name, size and digest, not its bytes", async () => {
    const app = mock({ keepFileBytes: 4 });
    const chatId = await openChat(app);
    const form = new FormData();
    form.append("file", new Blob(["%PDF-1.4"], { type: "application/pdf" }), "a.pdf");
    await app.request(`/v2/businesses/1001/chats/file/send?chatId=${chatId}`, { method: "POST", headers: { "Api-Key": "demo-all-methods" }, body: form });
    const { status, json } = await control(app, "GET", "/files/1");
    expect(status).toBe(404);
    expect(json.errors[0]).toEqual({ code: "FILE_BYTES_NOT_KEPT", message: expect.stringMatching(/^File 1 \("a\.pdf", 8 bytes, sha256 [0-9a-f]{64}\) was not kept/) });
    expect((await control(app, "GET", "/files/2")).json.errors[0].code).toBe("CONTROL_NOT_FOUND");
  });
});

describe("PUT and DELETE /__mock/quotas/{operationId}", () => {
  it("sets one operation's quota from now on, the others untouched, and puts it back", async () => {
    const app = mock();
    const chatId = await openChat(app);
    expect((await control(app, "PUT", "/quotas/getChatHistory", { limit: 1, windowMs: 60_000 })).json).toEqual({ operationId: "getChatHistory", limit: 1, windowMs: 60_000 });
    const history = () => app.request(`/v2/businesses/1001/chats/history?chatId=${chatId}`, { method: "POST", headers: API, body: "{}" });
    expect((await history()).status).toBe(200);
    const refused = await history();
    expect(refused.status).toBe(420);
    expect((await refused.json()).errors[0].message).toMatch(/^Hit rate limit of 1 requests per 1m for businessId 1001/);
    expect((await api(app, "GET", `/v2/businesses/1001/chat?chatId=${chatId}`)).status).toBe(200);
    expect((await control(app, "GET", "/state")).json.operations.getChatHistory).toEqual({ limit: 1, windowMs: 60_000 });
    expect((await control(app, "DELETE", "/quotas/getChatHistory")).json).toEqual({ operationId: "getChatHistory", limit: 10_000, windowMs: 3_600_000 });
    expect((await history()).headers.get("x-ratelimit-resource-limit")).toBe("10000");
  });

  it("refuses an unknown operation and a bad limit, changing nothing; reset puts every quota back", async () => {
    const app = mock();
    expect((await control(app, "PUT", "/quotas/getOrders", { limit: 1 })).json.errors[0].message).toMatch(/^No operation getOrders in the contract; it has createChat, getChats/);
    expect((await control(app, "PUT", "/quotas/getChats", { limit: 0 })).json.errors[0].message).toBe("/limit must be >= 1");
    expect(app.state.quotaLimits("getChats")).toEqual({ limit: 5000, windowMs: 3_600_000 });
    await control(app, "PUT", "/quotas/getChats", { limit: 3 });
    await control(app, "POST", "/reset");
    expect(app.state.quotaLimits("getChats")).toEqual({ limit: 5000, windowMs: 3_600_000 });
  });
});
