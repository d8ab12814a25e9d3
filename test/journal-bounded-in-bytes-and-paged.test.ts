/**
 * The journal is bounded in bytes, not only in entries: large headers and bodies are kept as
 * previews that say so, the oldest entries go once the bytes are spent, and reading it is paged
 * (a limit, a cursor, a largest page), never one giant answer; the control client still reads it whole.
 */
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { startMockServer } from "../mock/server.js";
import { createManualClock } from "../mock/state/clock.js";
import { boundedHeaderList, createJournal, JOURNAL_HEADERS_MAX_CHARS, type JournalInput } from "../mock/state/journal.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createMockControl } from "../testing/control-client.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

const input = (size: number, businessId = 1): JournalInput => ({
  time: T0,
  method: "POST",
  path: "/p",
  businessId,
  status: 200,
  durationMs: 1,
  counted: true,
  request: { headers: {} },
  response: { headers: {}, body: null },
  size,
});

describe("the byte bound", () => {
  it("drops the oldest entries once their sizes pass maxBytes, keeping the newest even when alone over it", () => {
    const journal = createJournal(100, 10_000);
    for (let n = 0; n < 10; n++) journal.record(input(3_000));
    expect(journal.size()).toBe(3);
    expect(journal.bytes()).toBe(9_000);
    expect(journal.list().map((e) => e.id)).toEqual([8, 9, 10]);
    journal.record(input(50_000));
    expect(journal.list().map((e) => e.id)).toEqual([11]);
  });

  it("estimates an entry's size from its texts when the recorder does not say", () => {
    const journal = createJournal(100, 5_000);
    const { size: _size, ...unsized } = input(0);
    for (let n = 0; n < 5; n++) journal.record({ ...unsized, request: { headers: {}, body: "x".repeat(2_000) } });
    expect(journal.size()).toBe(2);
  });

  it.each([0, -1, 1.5])("refuses maxBytes %s", (maxBytes) => {
    expect(() => createJournal(10, maxBytes)).toThrow(RangeError);
  });
});

describe("headers are kept as bounded previews that say so", () => {
  it("a small list is kept as it is", () => {
    const raw = ["Accept", "application/json"];
    expect(boundedHeaderList(raw).list).toBe(raw);
  });

  it("a 16 KB value is cut, a credential still redacted whole, headers past the bound counted", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const app = createMockApp({ state });
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`z-extra-${i}`, "v".repeat(200)]));
    await createChatRequest(app, 1001, orderContext(11001), { headers: { "X-Padding": "p".repeat(16_000), ...many } });
    const [entry] = state.journal.list();
    const headers = entry?.request.headers ?? {};
    expect(headers["x-padding"]).toBe(`${"p".repeat(256)}... (16000 characters, cut for the journal)`);
    expect(headers["api-key"]).toBe("[REDACTED]");
    expect(headers["x-journal-cut"]).toMatch(/^\d+ more headers left out of the journal \(\d+ characters in all\)$/);
    expect(JSON.stringify(headers).length).toBeLessThan(JOURNAL_HEADERS_MAX_CHARS + 500);
  });
});

describe("pages", () => {
  it("newest first, each oldest first inside, with a cursor to the next; filters count in total", () => {
    const journal = createJournal(100);
    for (let n = 1; n <= 25; n++) journal.record(input(10, n % 2));
    const first = journal.page({ limit: 10 });
    expect(first.entries.map((e) => e.id)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(first).toMatchObject({ total: 25, next: 16 });
    const second = journal.page({ limit: 10, before: 16 });
    expect(second.entries.map((e) => e.id)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const last = journal.page({ limit: 10, before: second.next as number });
    expect(last.entries.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(last.next).toBeNull();
    expect(journal.page({ businessId: 1, limit: 3 })).toMatchObject({ total: 13, next: 21 });
    expect(journal.page({ businessId: 1, limit: 3 }).entries.map((e) => e.id)).toEqual([21, 23, 25]);
  });

  it("stops a page once its entries hold maxBytes", () => {
    const journal = createJournal(100);
    for (let n = 1; n <= 10; n++) journal.record(input(1_000));
    const page = journal.page({ limit: 10, maxBytes: 2_500 });
    expect(page.entries.map((e) => e.id)).toEqual([8, 9, 10]);
    expect(page.next).toBe(8);
  });
});

describe("GET /__mock/requests over a socket", () => {
  it("answers a page of at most 100 by default, at most about 512 KiB, and the control client reads every page", async () => {
    const mock = await startMockServer({ port: 0, clock: createManualClock(T0), quota: 100_000 });
    try {
      const body = JSON.stringify({ ...orderContext(11001), note: "n".repeat(4_000) });
      const post = () =>
        fetch(`${mock.url}/v2/businesses/1001/chats/new`, {
          method: "POST",
          headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json", "X-Padding": "p".repeat(12_000) },
          body,
        }).then((res) => res.arrayBuffer());
      for (let n = 0; n < 250; n++) await post();
      const answer = await fetch(`${mock.url}/__mock/requests`);
      const text = await answer.text();
      const page = JSON.parse(text) as { requests: Array<{ id: number }>; total: number; next: number | null; maxBytes: number };
      // The newest entries, as many as fit 100 entries and the page's bytes; `next` is the oldest of them.
      expect(page.requests.length).toBeGreaterThan(10);
      expect(page.requests.length).toBeLessThanOrEqual(100);
      expect(page.requests.at(-1)?.id).toBe(250);
      expect(page).toMatchObject({ total: 250, next: page.requests[0]?.id, maxBytes: 16 * 1024 * 1024 });
      expect(text.length).toBeLessThan(1024 * 1024);
      const big = JSON.parse(await (await fetch(`${mock.url}/__mock/requests?limit=1000`)).text()) as { requests: unknown[]; next: number | null };
      // 250 entries of ~8 KiB each pass the page's 512 KiB: the page stops early and says where to go on.
      expect(big.requests.length).toBeLessThan(250);
      expect(big.next).not.toBeNull();
      const all = await createMockControl({ baseUrl: mock.url }).requests();
      expect(all.map((e) => e.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
      const newest = await createMockControl({ baseUrl: mock.url }).requests({ limit: 3 });
      expect(newest.map((e) => e.id)).toEqual([248, 249, 250]);
    } finally {
      await mock.close();
    }
  });
});
