/**
 * A web page cannot drive the mock: DNS-rebinding-shaped requests (a foreign `Host`) are refused
 * over a socket on every route, a control call with a foreign `Origin` is refused, and a
 * state-changing control call needs a JSON content type, each with a 403 in the API's error shape.
 * In-process requests (app.fetch, createMockFetch) keep working under any host.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { createManualClock } from "../mock/state/clock.js";
import { createMockFetch } from "../testing/mock-fetch.js";
import { T0 } from "./support/api.js";

interface Answer {
  status: number;
  json: { errors?: Array<{ code: string; message: string }> } & Record<string, unknown>;
}

/** One request over a socket to 127.0.0.1, with the headers given as they are (Host included). */
function send(mock: RunningMock, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: mock.port, method, path, headers, setHost: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Answer["json"] }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const CHAT = '{"context":{"type":"ORDER","id":11001}}';
const API = { "Api-Key": "demo-all-methods", "Content-Type": "application/json" };

let mock: RunningMock;
let named: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, clock: createManualClock(T0) });
  named = await startMockServer({ port: 0, clock: createManualClock(T0), allowedHosts: ["mock", ".internal.example"] });
});
afterAll(async () => {
  await Promise.all([mock?.close(), named?.close()]);
});

describe("allowed hosts, over a socket", () => {
  it.each([
    ["POST", "/__mock/reset", { "Content-Type": "application/json" }, "{}"],
    ["PUT", "/__mock/fixtures", { "Content-Type": "application/json" }, '{"tokens":[],"businesses":[]}'],
    ["GET", "/__mock/requests", {}, undefined],
    ["POST", "/v2/businesses/1001/chats/new", API, CHAT],
    ["GET", "/docs", {}, undefined],
  ])("Host: evil.example on %s %s is 403 HOST_NOT_ALLOWED, and changes nothing", async (method, path, headers, body) => {
    const answer = await send(mock, method, path, { ...headers, Host: "evil.example:4010" }, body);
    expect(answer.status).toBe(403);
    expect(answer.json.errors?.[0]?.code).toBe("HOST_NOT_ALLOWED");
    expect(answer.json.errors?.[0]?.message).toMatch(/^Host evil\.example:4010 is not allowed/);
    expect(mock.app.state.fixtures().token("demo-all-methods", "api-key")).toBeDefined();
    expect(mock.app.state.chats.list(1001)).toEqual([]);
  });

  it("a refused API request is journaled with its 403", async () => {
    mock.app.state.reset();
    await send(mock, "POST", "/v2/businesses/1001/chats/new", { ...API, Host: "rebound.example" }, CHAT);
    expect((await mock.app.state.journal.list()).map((entry) => [entry.status, entry.path])).toEqual([[403, "/v2/businesses/1001/chats/new"]]);
  });

  it.each(["127.0.0.1", "localhost", "app.localhost", "[::1]", "10.1.2.3", "LOCALHOST."])("Host: %s is answered", async (host) => {
    const answer = await send(mock, "POST", "/v2/businesses/1001/chats/new", { ...API, Host: `${host}:${mock.port}` }, CHAT);
    expect(answer.status).toBe(200);
  });

  it("--allowed-host names, and a leading dot for subdomains", async () => {
    for (const host of ["mock", "MOCK:4010", "internal.example", "a.b.internal.example"]) {
      expect((await send(named, "GET", "/__mock/health", { Host: host })).status, host).toBe(200);
    }
    expect((await send(named, "GET", "/__mock/health", { Host: "mock.evil" })).status).toBe(403);
    expect((await send(named, "GET", "/__mock/health", { Host: "evilinternal.example" })).status).toBe(403);
  });

  it("in-process requests are not checked for their host", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const answer = await app.fetch(new Request("http://evil.example/v2/businesses/1001/chats/new", { method: "POST", headers: API, body: CHAT }));
    expect(answer.status).toBe(200);
    const fetch = createMockFetch();
    await fetch.control.reset();
    expect((await fetch.control.requests()).length).toBe(0);
  });
});

describe("control calls from web pages", () => {
  it.each([
    ["a foreign page", "http://evil.example"],
    ["another port of this machine", "http://127.0.0.1:1"],
    ["a sandboxed page", "null"],
  ])("an Origin of %s is 403 CONTROL_FOREIGN_ORIGIN", async (_name, origin) => {
    const answer = await send(mock, "POST", "/__mock/reset", { Host: `127.0.0.1:${mock.port}`, Origin: origin, "Content-Type": "application/json" }, "{}");
    expect(answer.status).toBe(403);
    expect(answer.json.errors?.[0]?.code).toBe("CONTROL_FOREIGN_ORIGIN");
    const read = await send(mock, "GET", "/__mock/requests", { Host: `127.0.0.1:${mock.port}`, Origin: origin });
    expect(read.status).toBe(403);
  });

  it("the mock's own origin (its /docs page) is allowed", async () => {
    const answer = await send(mock, "GET", "/__mock/state", { Host: `127.0.0.1:${mock.port}`, Origin: mock.url });
    expect(answer.status).toBe(200);
  });

  it.each([
    ["text/plain, the CORS-simple reset", "POST", "/__mock/reset", { "Content-Type": "text/plain" }, "{}"],
    ["no content type at all", "POST", "/__mock/reset", {}, undefined],
    ["a form", "POST", "/__mock/faults", { "Content-Type": "application/x-www-form-urlencoded" }, "status=500"],
    ["multipart", "PUT", "/__mock/fixtures", { "Content-Type": "multipart/form-data; boundary=x" }, "--x--"],
    ["DELETE without it", "DELETE", "/__mock/faults", {}, undefined],
  ])("%s is 403 CONTROL_NEEDS_JSON, and changes nothing", async (_name, method, path, headers, body) => {
    mock.app.state.reset();
    mock.app.state.faults.add({ status: 500 });
    const answer = await send(mock, method, path, { ...headers, Host: `127.0.0.1:${mock.port}` }, body);
    expect(answer.status).toBe(403);
    expect(answer.json.errors?.[0]?.code).toBe("CONTROL_NEEDS_JSON");
    expect(mock.app.state.faults.list()).toHaveLength(1);
  });

  it("with Content-Type: application/json, reset works with or without a body", async () => {
    for (const body of [undefined, "{}"]) {
      const answer = await send(mock, "POST", "/__mock/reset", { Host: `127.0.0.1:${mock.port}`, "Content-Type": "application/json" }, body);
      expect(answer).toEqual({ status: 200, json: { reset: true } });
    }
  });
});
