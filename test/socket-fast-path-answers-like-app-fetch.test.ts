/**
 * Over a socket, createChat skips Hono and the Fetch emulation (mock/node-listener.ts) while every
 * other route goes through them. Both must answer alike: the same generated requests (repeated and
 * odd headers, Prefer, both credential schemes, good and bad bodies, query strings) sent to two
 * twin mocks, one through `app.fetch` and one over a socket, get the same status, body, rate-limit
 * headers and journal entries. And the fast path is really taken: `app.fetch` never sees createChat.
 */
import { request as httpRequest } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../mock/clock.js";
import { createMockApp } from "../mock/app.js";
import { startMockServer, type RunningMock } from "../mock/server.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");

interface Sent {
  path: string;
  /** Raw header lines, repeats allowed, in order. */
  headers: Array<[string, string]>;
  body: string;
}

interface Seen {
  status: number;
  body: string;
  rateLimit: Array<string | undefined>;
  allow: string | undefined;
}

const RATE_LIMIT = ["x-ratelimit-resource-limit", "x-ratelimit-resource-remaining", "x-ratelimit-resource-until"];

/** Sends over a socket with exactly these header lines (fetch would merge or refuse some). */
function overSocket(mock: RunningMock, sent: Sent): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: mock.host,
        port: mock.port,
        method: "POST",
        path: sent.path,
        // A raw list (repeats kept as sent) makes Node leave out Host, which HTTP/1.1 requires.
        headers: ["Host", `${mock.host}:${mock.port}`, ...sent.headers.flat(), "Content-Length", String(Buffer.byteLength(sent.body))],
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            rateLimit: RATE_LIMIT.map((name) => res.headers[name] as string | undefined),
            allow: res.headers.allow,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(sent.body);
  });
}

async function inProcess(app: ReturnType<typeof createMockApp>, sent: Sent): Promise<Seen> {
  const headers = new Headers();
  for (const [name, value] of sent.headers) headers.append(name, value);
  // Bytes, not a string: a string body would make Request add a Content-Type of its own.
  const res = await app.fetch(
    new Request(`http://127.0.0.1${sent.path}`, { method: "POST", headers, body: new TextEncoder().encode(sent.body) }),
  );
  return {
    status: res.status,
    body: await res.text(),
    rateLimit: RATE_LIMIT.map((name) => res.headers.get(name) ?? undefined),
    allow: res.headers.get("allow") ?? undefined,
  };
}

type Line = [string, string];

const credential = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Line>(["Api-Key", "demo-all-methods"], ["api-key", "demo-communication"], ["Authorization", "Bearer demo-oauth"]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Line>(
      ["Api-Key", "demo-pricing-only"],
      ["Api-Key", "nobody"],
      ["Authorization", "OAuth oauth_token=demo-oauth, oauth_client_id=x"],
      ["Authorization", "Basic abc"],
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Line>(["Content-Type", "application/json"], ["content-type", "application/json; charset=utf-8"]) },
  { weight: 1, arbitrary: fc.constantFrom<Line | undefined>(["Content-Type", "text/plain"], undefined) },
);

// Repeats and odd values: Node's own req.headers would keep only the first Content-Type or Authorization.
const extra = fc.constantFrom<Line>(
  ["Content-Type", "text/plain"],
  ["Api-Key", "demo-all-methods"],
  ["Authorization", "Bearer demo-oauth"],
  ["Prefer", "code=404"],
  ["Prefer", "code=299"],
  ["Prefer", "example=nope"],
  ["X-Extra", "  padded  "],
);

const headers = fc
  .record({ credential, contentType, extra: fc.array(extra, { maxLength: 2 }) })
  .map(({ credential: c, contentType: t, extra: e }) => [c, t, ...e].filter((line): line is Line => line !== undefined));

const body = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '{"context":{"type":"ORDER","id":11001}}',
      '{"context":{"type":"ORDER","id":11002}}',
      '{"context":{"type":"ORDER","id":31004}}',
      '{"context":{"type":"RETURN","id":12002}}',
      '{"context":{"type":"RETURN","id":22001}}',
      '{"orderId":11003}',
      '{"orderId":11003,"context":{"type":"ORDER","id":11004}}',
      '{"context":{"type":"ORDER","id":99999}}',
      '{"context":{"type":"ORDER"}}',
      "{}",
      "[]",
      "",
      "{",
      '\uFEFF{"orderId":11005}',
    ),
  },
  { weight: 1, arbitrary: fc.json() },
);

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("/v2/businesses/1001/chats/new", "/v2/businesses/1003/chats/new", "/v2/businesses/1002/chats/new?debug=1") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "/v2/businesses/2001/chats/new",
      "/v2/businesses/9999/chats/new",
      "/v2/businesses/abc/chats/new",
      "/v2/businesses/0/chats/new",
      "/v2/businesses/99999999999999999999/chats/new",
      "/v2/businesses/%31001/chats/new",
      "/v2/businesses/1001/chats/new/",
      "/v2/businesses/1001/chats",
    ),
  },
);

const sentRequest = fc.record({ path, headers, body });

describe("createChat over a socket answers like app.fetch", () => {
  let mock: RunningMock;
  let twin: ReturnType<typeof createMockApp>;
  const fetchedPaths: string[] = [];

  beforeAll(async () => {
    // Twins: the same clock reading, quota and state from the start, so even counters agree.
    mock = await startMockServer({ port: 0, clock: createManualClock(T0), quota: 25 });
    twin = createMockApp({ clock: createManualClock(T0), quota: 25 });
    const fetch = mock.app.fetch.bind(mock.app);
    mock.app.fetch = (req: Request, ...rest: unknown[]) => {
      fetchedPaths.push(new URL(req.url).pathname);
      return fetch(req, ...(rest as []));
    };
  });
  afterAll(async () => {
    await mock?.close();
  });

  it("the same 300 generated requests get the same status, body, rate-limit headers and journal", async () => {
    const samples = fc.sample(sentRequest, { numRuns: 300, seed: 20261127 });
    const statuses = new Set<number>();
    for (const sent of samples) {
      const [socket, fetched] = [await overSocket(mock, sent), await inProcess(twin, sent)];
      expect({ sent, seen: socket }).toEqual({ sent, seen: fetched });
      statuses.add(socket.status);
    }
    // The sample reaches every kind of answer, the quota's 420 included (25 per business).
    expect([...statuses].sort()).toEqual([200, 400, 401, 403, 404, 420]);
    const journal = async (app: ReturnType<typeof createMockApp>) => {
      const { requests } = (await (await app.request("/__mock/requests")).json()) as { requests: Array<Record<string, unknown>> };
      // durationMs differs by nature; the socket adds Host, Connection and Content-Length to the request headers.
      return requests.map(({ durationMs: _duration, request: req, ...rest }) => {
        const { host: _host, connection: _connection, "content-length": _length, ...headers } = (req as { headers: Record<string, string> }).headers;
        return { ...rest, request: { headers, body: (req as { body?: unknown }).body } };
      });
    };
    expect(await journal(mock.app)).toEqual(await journal(twin));
  });

  it("createChat itself never goes through app.fetch; other paths and methods do", async () => {
    fetchedPaths.length = 0;
    const ok = await overSocket(mock, {
      // 1004: a business the first test never spent.
      path: "/v2/businesses/1004/chats/new",
      headers: [["Api-Key", "demo-all-methods"], ["Content-Type", "application/json"]],
      body: '{"context":{"type":"ORDER","id":41001}}',
    });
    expect(ok.status).toBe(200);
    expect(fetchedPaths).toEqual([]);

    const encoded = await overSocket(mock, { path: "/v2/businesses/%31004/chats/new", headers: [["Api-Key", "demo-all-methods"]], body: "" });
    expect(encoded.status).toBe(400);
    const wrongMethod = await fetch(`${mock.url}/v2/businesses/1004/chats/new`, { headers: { "Api-Key": "demo-all-methods" } });
    expect(wrongMethod.status).toBe(405);
    expect(fetchedPaths).toEqual(["/v2/businesses/%31004/chats/new", "/v2/businesses/1004/chats/new"]);
  });
});
