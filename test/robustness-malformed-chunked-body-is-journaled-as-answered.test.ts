/**
 * A malformed chunked body breaks the connection while the mock handles the request: the client
 * gets a 400 in the API's error shape, and the journal says that 400, not the answer the mock made
 * for a request it could no longer answer.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { createManualClock } from "../mock/state/clock.js";
import { T0 } from "./support/api.js";

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, clock: createManualClock(T0) });
});
afterAll(async () => {
  await mock?.close();
});

/** Writes `text` on a fresh connection and resolves with all it got back once the server closes it. */
function exchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(mock.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.write(text);
  });
}

const head = (headers: string) => `POST /v2/businesses/1001/chats/new HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}Transfer-Encoding: chunked\r\n\r\n`;

/** The journal once it holds `n` entries: the mock records the request after the connection broke. */
async function journalOf(n: number) {
  for (let i = 0; i < 1_000; i++) {
    const entries = await mock.app.state.journal.list();
    if (entries.length >= n) return entries;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`the journal did not reach ${n} entries`);
}

/** The answers in a raw HTTP/1.1 exchange: status and JSON body of each. */
function answers(text: string): Array<{ status: number; body: unknown }> {
  const found: Array<{ status: number; body: unknown }> = [];
  let rest = text;
  while (rest.startsWith("HTTP/1.1 ")) {
    const split = rest.indexOf("\r\n\r\n");
    const headers = rest.slice(0, split);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    found.push({ status: Number(headers.slice(9, 12)), body: JSON.parse(rest.slice(split + 4, split + 4 + length)) });
    rest = rest.slice(split + 4 + length);
  }
  return found;
}

const cannotRead = { status: "ERROR", errors: [{ code: "BAD_REQUEST", message: "The request cannot be read: a malformed chunked body" }] };

describe("a malformed chunked body", () => {
  it("read by the mock: the client gets a JSON 400, and the journal says that 400", async () => {
    mock.app.state.reset();
    const got = answers(await exchange(`${head("Api-Key: demo-all-methods\r\n")}5\r\n{"con\r\nzz\r\n`));
    expect(got).toEqual([{ status: 400, body: cannotRead }]);
    const entries = await journalOf(1);
    expect(entries.map((entry) => [entry.status, entry.response.body])).toEqual([[400, cannotRead]]);
  });

  it("answered before the body was read (401): the client gets the 401, then the transport's JSON 400; the journal says 401", async () => {
    mock.app.state.reset();
    const got = answers(await exchange(`${head("")}5\r\n{"con\r\nzz\r\n`));
    expect(got.map((answer) => answer.status)).toEqual([401, 400]);
    expect(got[1]?.body).toEqual(cannotRead);
    const entries = await journalOf(1);
    expect(entries.map((entry) => [entry.status, entry.response.body])).toEqual([[401, got[0]?.body]]);
  });
});
