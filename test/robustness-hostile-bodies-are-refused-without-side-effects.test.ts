/**
 * Hostile createChat bodies (property-based, 2,000 cases in-process plus 250 over a socket):
 * JSON-like noise, truncated and mutated valid bodies, deep nesting, huge numbers, `__proto__` and
 * `constructor` keys, duplicate keys, NUL bytes, invalid UTF-8, wrong content types, empty and
 * 2 MB bodies. Every answer is a 200 or a 4xx in the contract's error shape, never a 5xx; a
 * refused body creates no chat, pollutes no prototype, and each request is counted exactly once.
 */
import { request as httpRequest, Agent } from "node:http";
import { createMockControl } from "../testing/control-client.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createMockState } from "../mock/state/memory-state.js";
import { compileValidator } from "../mock/contract/validators.js";
import { T0 } from "./support/api.js";

const validator = compileValidator(loadContract()).operation("createChat");
const PATH = "/v2/businesses/1001/chats/new";
const VALID_BODIES = [
  '{"context":{"type":"ORDER","id":11001}}',
  '{"context":{"type":"RETURN","id":12003}}',
  '{"orderId":11002}',
  '{"context":{"type":"ORDER","id":11004},"orderId":11004}',
];
const MB2 = 2 * 1024 * 1024;

interface HostileBody {
  kind: string;
  body: Uint8Array<ArrayBuffer>;
  contentType: string | undefined;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const validBody = fc.constantFrom(...VALID_BODIES);

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated, 0xFF. */
const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
);

const spliceBytes = (text: string, at: number, bytes: readonly number[]): Uint8Array<ArrayBuffer> => {
  const b = utf8(text);
  const i = at % (b.length + 1);
  return Uint8Array.from([...b.subarray(0, i), ...bytes, ...b.subarray(i)]);
};

const deep = (depth: number, open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth);

const kinds: Record<string, fc.Arbitrary<Uint8Array<ArrayBuffer>>> = {
  "json value": fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v) ?? "null")),
  "json-like noise": fc
    .array(fc.constantFrom("{", "}", "[", "]", '"', ":", ",", "0", "-1", "1e999", ".", " ", "null", "true", '"context"', '"type"', '"ORDER"', '"id"', "\\", "\\u"), { maxLength: 40 })
    .map((parts) => utf8(parts.join(""))),
  "random text": fc.string({ maxLength: 200, unit: "binary" }).map(utf8),
  "truncated valid": fc.tuple(validBody, fc.nat()).map(([b, n]) => utf8(b.slice(0, n % b.length))),
  "mutated valid": fc
    .tuple(validBody, fc.nat(), fc.constantFrom("", "x", "}", "{", '"', "0", "-", ",", ":", "\u0000", "é", "9".repeat(30)), fc.boolean())
    .map(([b, n, insert, replace]) => {
      const i = n % b.length;
      return utf8(b.slice(0, i) + insert + b.slice(replace ? i + 1 : i));
    }),
  "deep nesting": fc
    .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom<[string, string]>(["[", "]"], ['{"a":', "}"], ['{"context":', "}"]))
    .map(([depth, [open, close]]) => utf8(deep(depth, open, close))),
  "deep nesting in context": fc
    .integer({ min: 100, max: 10_000 })
    .map((depth) => utf8(`{"context":{"type":"ORDER","id":${deep(depth, "[", "]", "11001")}}}`)),
  "huge numbers": fc
    .constantFrom("1e400", "-1e400", "9007199254740993", "99999999999999999999999999", "1e-400", "-0", "0", "11001.0000000000001", "1.1001e4", "0x2af9", "NaN", "Infinity")
    .chain((n) => fc.constantFrom(`{"context":{"type":"ORDER","id":${n}}}`, `{"orderId":${n}}`, `{"context":{"type":"ORDER","id":11001},"orderId":${n}}`))
    .map(utf8),
  "prototype keys": fc
    .constantFrom(
      '{"__proto__":{"polluted":"yes"},"context":{"type":"ORDER","id":11001}}',
      '{"context":{"__proto__":{"polluted":"yes"},"type":"ORDER","id":11001}}',
      '{"context":{"type":"ORDER","id":11001,"__proto__":{"id":1}}}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"context":{"type":"ORDER","id":11001}}',
      '{"context":{"type":"ORDER","id":11001,"constructor":{"prototype":{"polluted":"yes"}}}}',
      '{"__proto__":{"context":{"type":"ORDER","id":11001}}}',
      '{"__proto__":null}',
      '{"prototype":{"polluted":"yes"},"orderId":11001}',
    )
    .map(utf8),
  "duplicate keys": fc
    .constantFrom(
      '{"context":{"type":"ORDER","id":11001},"context":{"type":"RETURN","id":"x"}}',
      '{"context":{"type":"RETURN","id":"x"},"context":{"type":"ORDER","id":11001}}',
      '{"context":{"type":"ORDER","type":"RETURN","id":12001}}',
      '{"orderId":11001,"orderId":-5}',
      '{"context":{"type":"ORDER","id":11001,"id":11002}}',
    )
    .map(utf8),
  "NUL bytes": fc
    .tuple(validBody, fc.nat(), fc.constantFrom("\u0000", "\\u0000", "\u0000\u0000\u0000"))
    .map(([b, n, nul]) => {
      const i = n % (b.length + 1);
      return utf8(b.slice(0, i) + nul + b.slice(i));
    }),
  "NUL in strings": fc.constantFrom('{"context":{"type":"ORDER\\u0000","id":11001}}', '{"context":{"type":"\u0000","id":11001}}').map(utf8),
  "invalid UTF-8": fc.tuple(validBody, fc.nat(), invalidUtf8).map(([b, n, bytes]) => spliceBytes(b, n, bytes)),
  empty: fc.constantFrom("", " ", "\r\n", "\t \n").map(utf8),
  "2 MB": fc.constantFrom(" ", "[", "a").map((c) => utf8(`{"context":{"type":"ORDER","id":11001},"pad":"${c.repeat(MB2)}"}`)),
};

const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json-patch+json",
  "application/jsonx",
  ";;;",
  undefined,
);

const hostileBody: fc.Arbitrary<HostileBody> = fc.oneof(
  ...Object.entries(kinds).map(([kind, arbitrary]) => ({
    // Valid JSON content types most of the time, so the body itself is what gets judged.
    arbitrary: fc.record({
      kind: fc.constant(kind),
      body: arbitrary,
      contentType: fc.oneof({ arbitrary: fc.constant("application/json"), weight: 3 }, { arbitrary: contentTypes, weight: 1 }),
    }),
    // 2 MB cases are costly to build; a few dozen of them make the point.
    weight: kind === "2 MB" ? 1 : 6,
  })),
) as fc.Arbitrary<HostileBody>;

const ERROR_SHAPE = {
  status: "ERROR",
  errors: expect.arrayContaining([{ code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) }]),
};

function prototypesSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(",")).join("|");
}

describe("hostile createChat bodies (property)", () => {
  it("2,000 cases in-process: only 200 or a spec-shaped 4xx, state changed only by a 200, counted once each", async () => {
    const state = createMockState({ clock: createManualClock(T0), quota: 1_000_000_000 });
    const app = createMockApp({ state });
    const before = prototypesSnapshot();
    const seenKinds = new Set<string>();
    let sent = 0;

    await fc.assert(
      fc.asyncProperty(hostileBody, async ({ kind, body, contentType }) => {
        seenKinds.add(kind);
        const chatsBefore = state.chats.size();
        const headers: Record<string, string> = { "Api-Key": "demo-all-methods" };
        if (contentType !== undefined) headers["Content-Type"] = contentType;
        const res = await app.request(PATH, { method: "POST", headers, body });
        sent += 1;
        const json = (await res.json()) as { status: string; result?: { chatId: number } };

        expect(res.status === 200 || (res.status >= 400 && res.status < 500), `${kind}: ${res.status}`).toBe(true);
        expect(validator.response({ status: res.status, body: json, headers: res.headers })).toEqual([]);
        if (res.status === 200) {
          // Only a body that is in fact a valid request succeeds, and only for a context 1001 has.
          const chat = state.chats.list(1001).find((c) => c.chatId === json.result?.chatId);
          expect(chat).toBeDefined();
          expect(state.chats.size() - chatsBefore).toBeLessThanOrEqual(1);
        } else {
          expect(json).toMatchObject(ERROR_SHAPE);
          expect(state.chats.size()).toBe(chatsBefore);
        }
        // Counted exactly once, journaled exactly once.
        expect(state.quota("createChat").peek(1001)?.used).toBe(sent);
        expect(state.journal.list({ limit: 1 })[0]?.id).toBe(sent);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );

    expect(sent).toBe(2_000);
    expect([...seenKinds].sort()).toEqual(Object.keys(kinds).sort());
    expect(prototypesSnapshot()).toBe(before);
    // Every chat is about a real context of 1001: the hostile bodies never invented one.
    for (const chat of state.chats.list()) {
      expect(chat.businessId).toBe(1001);
      const fixtures = state.fixtures();
      expect(chat.context.type === "ORDER" ? fixtures.hasOrder(1001, chat.context.id ?? 0) : fixtures.hasReturn(1001, chat.context.id ?? 0)).toBe(true);
    }
    expect(state.journal.list().filter((e) => e.status >= 500)).toEqual([]);
  });
});

describe("hostile createChat bodies over a real socket (property)", () => {
  let mock: RunningMock;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, quota: 1_000_000_000 });
  });
  afterAll(async () => {
    agent.destroy();
    await mock?.close();
  });

  /** Sends raw bytes; resolves with the status and body, or "closed" if the server hung up first. */
  function post(body: Uint8Array, contentType: string | undefined): Promise<{ status: number; text: string } | "closed"> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { "Api-Key": "demo-all-methods", "Content-Length": body.byteLength };
      if (contentType !== undefined) headers["Content-Type"] = contentType;
      const req = httpRequest(`${mock.url}${PATH}`, { method: "POST", agent, headers, timeout: 10_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("timeout", () => req.destroy(new Error("request hung for 10 s")));
      req.on("error", (error: NodeJS.ErrnoException) => {
        // The server may answer a 2 MB body early and close while the client is still writing.
        if (error.code === "EPIPE" || error.code === "ECONNRESET") resolve("closed");
        else reject(error);
      });
      req.end(body);
    });
  }

  it("250 cases: never a 5xx, never a hang; the journal holds no 5xx and the mock answers normally after", async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(hostileBody, async ({ kind, body, contentType }) => {
        const outcome = await post(body, contentType);
        if (outcome === "closed") {
          // Only a body far past the limit may be cut off rather than answered.
          expect(body.byteLength, kind).toBeGreaterThan(64 * 1024);
          return;
        }
        answered += 1;
        expect(outcome.status === 200 || (outcome.status >= 400 && outcome.status < 500), `${kind}: ${outcome.status}`).toBe(true);
        if (outcome.status !== 200) expect(JSON.parse(outcome.text)).toMatchObject(ERROR_SHAPE);
      }),
      { numRuns: 250 },
    );
    expect(answered).toBeGreaterThan(200);

    // Every page of the journal (a page holds at most 1,000 entries).
    const journal = await createMockControl({ baseUrl: mock.url }).requests();
    expect(journal.filter((r) => r.status >= 500)).toEqual([]);
    const after = await fetch(`${mock.url}${PATH}`, {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: VALID_BODIES[0],
    });
    expect(after.status).toBe(200);
  });
});
