import { describe, expect, it } from "vitest";
import { createJournal, type JournalEntry } from "../mock/state/journal.js";

function entry(overrides: Partial<Omit<JournalEntry, "id">> = {}): Omit<JournalEntry, "id"> {
  return {
    time: "2026-11-25T12:00:00.000Z",
    method: "POST",
    path: "/v2/businesses/1/chats/new",
    businessId: 1,
    status: 200,
    durationMs: 3,
    counted: true,
    request: { headers: { "api-key": "[REDACTED]" }, body: { context: { type: "ORDER", id: 1 } } },
    response: { headers: {}, body: { status: "OK", result: { chatId: 1 } } },
    ...overrides,
  };
}

describe("request journal", () => {
  it("numbers entries from 1 and lists them oldest first", () => {
    const journal = createJournal(5);
    const first = journal.record(entry({ durationMs: 1 }));
    expect(journal.record(entry({ durationMs: 2 }))).toBe(2);
    expect(first).toBe(1);
    expect(journal.list().map((e) => [e.id, e.durationMs])).toEqual([[1, 1], [2, 2]]);
    expect(journal.size()).toBe(2);
  });

  it("keeps everything of the recorded entry", () => {
    const journal = createJournal();
    const recorded = entry({ businessId: 77, status: 420, counted: false });
    expect(journal.record(recorded)).toBe(1);
    expect(journal.list()).toEqual([{ id: 1, ...recorded }]);
  });

  it("makes deferred parts on read, once: epoch ms become ISO text, a header function its headers", () => {
    const journal = createJournal();
    let made = 0;
    const headers = () => ((made += 1), { "api-key": "[REDACTED]" });
    journal.record({ ...entry(), time: Date.parse("2026-11-25T12:00:00Z"), request: { headers, body: { orderId: 1 } } });
    expect(made).toBe(0);
    const [listed] = journal.list();
    expect(listed?.time).toBe("2026-11-25T12:00:00.000Z");
    expect(listed?.request).toEqual({ headers: { "api-key": "[REDACTED]" }, body: { orderId: 1 } });
    expect(journal.list()).toEqual([listed]);
    expect(made).toBe(1);
  });

  it("drops the oldest entries once at capacity", () => {
    const journal = createJournal(3);
    for (let n = 1; n <= 7; n += 1) journal.record(entry());
    expect(journal.size()).toBe(3);
    expect(journal.list().map((e) => e.id)).toEqual([5, 6, 7]);
  });

  it("stays correct across many wrap-arounds at the default capacity of 10,000", () => {
    const journal = createJournal();
    expect(journal.capacity).toBe(10_000);
    for (let n = 1; n <= 25_003; n += 1) journal.record(entry({ businessId: n % 4 }));
    expect(journal.size()).toBe(10_000);
    const ids = journal.list().map((e) => e.id);
    expect(ids[0]).toBe(15_004);
    expect(ids.at(-1)).toBe(25_003);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
  });

  it("filters by businessId and by status", () => {
    const journal = createJournal();
    journal.record(entry({ businessId: 1, status: 200 }));
    journal.record(entry({ businessId: 2, status: 420 }));
    journal.record(entry({ businessId: 1, status: 420 }));
    journal.record(entry({ businessId: undefined, status: 401, counted: false }));
    expect(journal.list({ businessId: 1 }).map((e) => e.id)).toEqual([1, 3]);
    expect(journal.list({ status: 420 }).map((e) => e.id)).toEqual([2, 3]);
    expect(journal.list({ businessId: 1, status: 420 }).map((e) => e.id)).toEqual([3]);
    expect(journal.list({ businessId: 3 })).toEqual([]);
  });

  it("limits to the newest N matches, still oldest first", () => {
    const journal = createJournal(4);
    for (let n = 1; n <= 6; n += 1) journal.record(entry({ businessId: n % 2 }));
    // Kept: ids 3..6; business 0 has 4 and 6.
    expect(journal.list({ limit: 2 }).map((e) => e.id)).toEqual([5, 6]);
    expect(journal.list({ limit: 10 }).map((e) => e.id)).toEqual([3, 4, 5, 6]);
    expect(journal.list({ businessId: 1, limit: 1 }).map((e) => e.id)).toEqual([5]);
    expect(journal.list({ businessId: 0, limit: 5 }).map((e) => e.id)).toEqual([4, 6]);
    expect(journal.list({ limit: 0 })).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN])("refuses limit %s with a RangeError", (limit) => {
    const journal = createJournal();
    expect(() => journal.list({ limit })).toThrow(RangeError);
  });

  it("empties and restarts ids at 1 on clear", () => {
    const journal = createJournal(3);
    for (let n = 1; n <= 5; n += 1) journal.record(entry());
    journal.clear();
    expect(journal.size()).toBe(0);
    expect(journal.list()).toEqual([]);
    expect(journal.record(entry())).toBe(1);
    expect(journal.list().map((e) => e.id)).toEqual([1]);
  });

  it.each([0, -5, 2.5, Number.NaN])("refuses capacity %s with a RangeError", (capacity) => {
    expect(() => createJournal(capacity)).toThrow(RangeError);
  });
});
