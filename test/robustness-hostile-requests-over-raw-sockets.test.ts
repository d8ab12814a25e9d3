/**
 * Hostile requests written byte by byte over raw TCP (node:net) to 127.0.0.1: odd paths, a
 * businessId beyond int64, 100 repeated headers, a 64 KiB header, malformed request lines, slow,
 * stalled and aborted uploads. Each gets a clear 4xx or a closed socket, never a 5xx or a hang,
 * and the mock answers normally afterwards.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";

const BODY = '{"context":{"type":"ORDER","id":11001}}';
const PATH = "/v2/businesses/1001/chats/new";
const REQUEST_TIMEOUT_MS = 600;

let mock: RunningMock;
beforeAll(async () => {
  // A short request timeout so a stalled upload is cut within the test; two slots so a leaked one shows.
  mock = await startMockServer({ port: 0, parallelLimit: 2, requestTimeoutMs: REQUEST_TIMEOUT_MS });
});
afterAll(async () => {
  await mock?.close();
});

interface RawAnswer {
  /** The status line's code, or undefined when the server closed without answering. */
  status: number | undefined;
  head: string;
  body: string;
  /** The server ended the connection. */
  closed: boolean;
  elapsedMs: number;
}

/**
 * Writes `parts` to a fresh connection (a gap of `gapMs` between parts), then waits for the
 * answer. `end`: half-close after writing (a client that is done); `destroyAfterMs`: drop the
 * connection that long after the last part (a client that gives up).
 */
function rawExchange(
  parts: Array<string | Buffer>,
  options: { gapMs?: number; end?: boolean; destroyAfterMs?: number; waitMs?: number } = {},
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(mock.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const head = split === -1 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
      resolve({ status: status ? Number(status) : undefined, head, body: split === -1 ? "" : text.slice(split + 4), closed, elapsedMs: performance.now() - started });
    };
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${options.waitMs ?? 5_000} ms`));
    }, options.waitMs ?? 5_000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined); // ECONNRESET after a 431 or an abort: the close event follows.
    socket.on("close", () => {
      closed = true;
      finish();
    });
    void (async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
        if (socket.destroyed) return;
        socket.write(part);
      }
      if (options.destroyAfterMs !== undefined) {
        setTimeout(() => socket.destroy(), options.destroyAfterMs);
      } else if (options.end !== false) {
        socket.end();
      }
    })();
  });
}

function post(path: string, extraHeaders = "", body = BODY): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Key: demo-all-methods\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`
  );
}

const codeOf = (answer: RawAnswer) => (JSON.parse(answer.body) as { errors: Array<{ code: string; message: string }> }).errors[0];

async function expectAnswersNormally(): Promise<void> {
  const answer = await rawExchange([post(PATH)]);
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toMatchObject({ status: "OK", result: { chatId: expect.any(Number) } });
}

describe("odd paths and ids", () => {
  it.each([
    ["a NUL byte as businessId", "/v2/businesses/%00/chats/new", 400, "INVALID_PARAMETER"],
    ["a businessId beyond int64", "/v2/businesses/9223372036854775808/chats/new", 400, "INVALID_PARAMETER"],
    ["a 30-digit businessId", `/v2/businesses/${"9".repeat(30)}/chats/new`, 400, "INVALID_PARAMETER"],
    ["a negative businessId", "/v2/businesses/-1/chats/new", 400, "INVALID_PARAMETER"],
    ["an encoded slash in businessId", "/v2/businesses/..%2F1001/chats/new", 400, "INVALID_PARAMETER"],
    ["dot segments climbing out of the API", "/v2/businesses/1001/../../../../etc/passwd", 404, "NOT_FOUND"],
    ["an 8 KiB businessId", `/v2/businesses/${"1".repeat(8 * 1024)}/chats/new`, 400, "INVALID_PARAMETER"],
    ["an 8 KiB unknown path", `/${"a/".repeat(4 * 1024)}`, 404, "NOT_FOUND"],
    ["a percent-encoded unknown path", "/%2e%2e/%ff%fe/%00", 404, "NOT_FOUND"],
  ])("%s (%s) → %i %s in the API's error shape", async (_, path, status, code) => {
    const answer = await rawExchange([post(path)]);
    expect(answer.status).toBe(status);
    expect(codeOf(answer)?.code).toBe(code);
  });

  it("resolves dot segments that land on the operation, as URL parsing does, and still counts once", async () => {
    const before = await quotaUsed(1001);
    const answer = await rawExchange([post("/v2/businesses/2001/../1001/chats/new")]);
    expect(answer.status).toBe(200);
    expect(await quotaUsed(1001)).toBe(before + 1);
  });

  it("refuses a 70 KiB request line with 431 and closes", async () => {
    const answer = await rawExchange([post(`/v2/${"a".repeat(70 * 1024)}`)]);
    expect(answer.status).toBe(431);
    expect(answer.closed).toBe(true);
  });
});

describe("odd headers", () => {
  it("100 repeated unrelated headers are ignored: 200", async () => {
    const answer = await rawExchange([post(PATH, "X-Repeated: 1\r\n".repeat(100))]);
    expect(answer.status).toBe(200);
  });

  it("Api-Key repeated 100 times is one unknown token: 403 INVALID_TOKEN, and the token is not echoed", async () => {
    const answer = await rawExchange([post(PATH, "Api-Key: demo-all-methods\r\n".repeat(99))]);
    expect(answer.status).toBe(403);
    expect(codeOf(answer)?.code).toBe("INVALID_TOKEN");
    expect(answer.body).not.toContain("demo-all-methods");
  });

  it("Content-Type repeated 100 times is no JSON media type: 400 UNSUPPORTED_CONTENT_TYPE", async () => {
    const answer = await rawExchange([post(PATH, "Content-Type: application/json\r\n".repeat(99))]);
    expect(answer.status).toBe(400);
    expect(codeOf(answer)?.code).toBe("UNSUPPORTED_CONTENT_TYPE");
  });

  it("a 64 KiB header gets 431 and the connection closes", async () => {
    const answer = await rawExchange([post(PATH, `X-Big: ${"a".repeat(64 * 1024)}\r\n`)]);
    expect(answer.status).toBe(431);
    expect(answer.closed).toBe(true);
  });

  it.each([
    ["two different Content-Length headers", `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`],
    ["a garbage request line", "GARBAGE\r\n\r\n"],
    ["a header without a colon", `POST ${PATH} HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n`],
    ["a NUL byte in a header value", `POST ${PATH} HTTP/1.1\r\nHost: x\r\nApi-Key: demo\u0000all\r\nContent-Length: 0\r\n\r\n`],
    ["Content-Length and chunked together", `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ["a negative Content-Length", `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`],
  ])("%s: Node's parser answers 400 and closes, before the app", async (_, raw) => {
    const answer = await rawExchange([raw]);
    expect(answer.status).toBe(400);
    expect(answer.closed).toBe(true);
  });
});

describe("HTTP/1.0 without Host", () => {
  // HTTP/1.0 makes Host optional: such a request is for this server on every route alike.
  it("is served like any request, on the API, the control API, a wrong path and the docs", async () => {
    const http10 = (line: string, headers = "", body = "") => rawExchange([`${line} HTTP/1.0\r\n${headers}\r\n${body}`], { end: false });
    const chat = await http10(`POST ${PATH}`, `Api-Key: demo-all-methods\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n`, BODY);
    expect(chat.status).toBe(200);
    expect(JSON.parse(chat.body)).toMatchObject({ status: "OK" });
    const unauthorized = await http10(`POST ${PATH}`, `Content-Type: application/json\r\nContent-Length: ${BODY.length}\r\n`, BODY);
    expect([unauthorized.status, codeOf(unauthorized)?.code]).toEqual([401, "UNAUTHORIZED"]);
    const health = await http10("GET /__mock/health");
    expect([health.status, JSON.parse(health.body).status]).toEqual([200, "ok"]);
    const wrong = await http10("GET /nowhere");
    expect([wrong.status, codeOf(wrong)?.code]).toEqual([404, "NOT_FOUND"]);
    expect((await http10("GET /docs")).status).toBe(200);
  });

  it("a Host header that names no host gets 400 in the API's error shape", async () => {
    const answer = await rawExchange([`GET /__mock/health HTTP/1.1\r\nHost: exa mple\r\nConnection: close\r\n\r\n`]);
    expect(answer.status).toBe(400);
    // Node's own parser may refuse it first (an empty body); if the mock sees it, it answers in the API's shape.
    if (answer.body !== "") expect(codeOf(answer)?.code).toBe("BAD_REQUEST");
  });
});

describe("slow, stalled and aborted uploads", () => {
  it("a slow upload (one byte every 5 ms) is read to its end and answered 200", async () => {
    const full = post(PATH);
    const split = full.indexOf("\r\n\r\n") + 4;
    const parts = [full.slice(0, split), ...full.slice(split)];
    const answer = await rawExchange(parts, { gapMs: 5 });
    expect(answer.status).toBe(200);
  });

  it("a client that disconnects mid-body gets a closed socket; the journal says 400, not 500, and no slot leaks", async () => {
    const before = await journalTotal();
    const head = post(PATH).replace(`Content-Length: ${BODY.length}`, "Content-Length: 1000").split("\r\n\r\n")[0];
    // Three aborted uploads, more than the two in-flight slots: a leaked slot would refuse the next request.
    const answers = await Promise.all(
      [0, 1, 2].map(() => rawExchange([`${head}\r\n\r\n`, '{"context":{"type":'], { gapMs: 10, destroyAfterMs: 50 })),
    );
    // Two held the two slots while uploading and were cut off unanswered; the third found no slot: 420.
    expect(answers.every((answer) => answer.closed)).toBe(true);
    expect(answers.map((answer) => answer.status ?? "closed").sort()).toEqual([420, "closed", "closed"]);
    await expectAnswersNormally();
    const entries = await journalSince(before);
    // The cut bodies are journaled as the client's fault (400 MALFORMED_JSON), not as an internal error.
    expect(entries.map((e) => e.status).sort()).toEqual([200, 400, 400, 420]);
    expect(entries.at(-1)?.status).toBe(200);
  });

  it("an upload that stalls mid-body is answered 408 and closed after the request timeout", async () => {
    const head = post(PATH).replace(`Content-Length: ${BODY.length}`, "Content-Length: 1000").split("\r\n\r\n")[0];
    const answer = await rawExchange([`${head}\r\n\r\n{"context":`], { end: false });
    expect(answer.status).toBe(408);
    expect(answer.closed).toBe(true);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(answer.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    await expectAnswersNormally();
  });

  it("headers that stall half-way are answered 408 and closed", async () => {
    const answer = await rawExchange([`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Ke`], { end: false });
    expect(answer.status).toBe(408);
    expect(answer.closed).toBe(true);
  });

  it("after all of the above no request is in flight, the journal holds no 5xx, and the mock still answers", async () => {
    const state = (await (await fetch(`${mock.url}/__mock/state`)).json()) as { businesses: Array<{ businessId: number; inFlight: number }> };
    expect(state.businesses.find((b) => b.businessId === 1001)?.inFlight).toBe(0);
    const journal = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: Array<{ status: number }> };
    expect(journal.requests.length).toBeGreaterThan(10);
    expect(journal.requests.filter((r) => r.status >= 500)).toEqual([]);
    await expectAnswersNormally();
  });
});

async function quotaUsed(businessId: number): Promise<number> {
  const state = (await (await fetch(`${mock.url}/__mock/state`)).json()) as { businesses: Array<{ businessId: number; quota: { used: number } }> };
  return state.businesses.find((b) => b.businessId === businessId)?.quota.used ?? 0;
}

async function journalTotal(): Promise<number> {
  return ((await (await fetch(`${mock.url}/__mock/requests?limit=0`)).json()) as { total: number }).total;
}

async function journalSince(total: number): Promise<Array<{ status: number }>> {
  const all = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: Array<{ status: number }> };
  return all.requests.slice(total);
}
