/**
 * The request journal: the last N API requests with their answers, for `GET /__mock/requests`,
 * kept in a fixed-size ring so a long load test costs bounded memory and O(1) per request.
 */
import { isoInstant } from "./clock.js";

/** One API request and its answer. */
export interface JournalEntry {
  /** Increasing from 1, never reused until clear(). */
  id: number;
  /** ISO 8601 of the request's arrival (virtual clock). */
  time: string;
  method: string;
  path: string;
  /** The contract's operationId, when the request reached an operation's route. */
  operationId?: string;
  businessId?: number;
  status: number;
  durationMs: number;
  /** Whether the request was counted against the quota. */
  counted: boolean;
  /** Headers already redacted (see {@link redactHeaders}). */
  request: { headers: Record<string, string>; body?: unknown };
  response: { headers: Record<string, string>; body: unknown };
}

/**
 * What `record` takes: an entry whose costly parts may come as what they are made from, turned
 * into the entry's text only when someone reads the journal (most entries are never read, and a
 * load test writes thousands a second).
 */
export interface JournalInput extends Omit<JournalEntry, "id" | "time" | "request"> {
  /** ISO 8601 text, or the epoch ms it is made from. */
  time: string | number;
  /** Headers already redacted, or a function that makes them so. */
  request: { headers: Record<string, string> | (() => Record<string, string>); body?: unknown };
  /** About how many bytes the entry holds, for the journal's byte bound; absent = not counted. */
  size?: number;
}

/** Which entries `list` returns; every field absent = all. */
export interface JournalFilter {
  businessId?: number;
  status?: number;
  /** Only the newest N matching entries (an integer >= 0), still listed oldest first. */
  limit?: number;
}

/** Which page `page` returns: the filter's entries older than `before`, at most `limit` of them and about `maxBytes`. */
export interface JournalPageQuery extends JournalFilter {
  /** Only entries with an id below this one (the `next` of the newer page); absent = from the newest. */
  before?: number;
  /** Stop once the page's entries hold this many bytes (the first entry is always given). */
  maxBytes?: number;
}

/** One page of the journal, oldest first. */
export interface JournalPage {
  entries: JournalEntry[];
  /** Entries matching the filter, in the whole journal. */
  total: number;
  /** The `before` of the older page, or null when no older entry matches. */
  next: number | null;
}

/** The bounded journal. */
export interface Journal {
  /** How many entries it keeps; recording one more drops the oldest. */
  readonly capacity: number;
  /** The bytes it keeps (the entries' `size`); past it the oldest are dropped, the newest always kept. */
  readonly maxBytes: number;
  /** Stores the entry under the next id and returns that id. */
  record(entry: JournalInput): number;
  /** Matching entries, oldest first, newest last. */
  list(filter?: JournalFilter): JournalEntry[];
  /** The newest `limit` matching entries with an id below `before`, oldest first; stops once they hold `maxBytes`. */
  page(query?: JournalPageQuery): JournalPage;
  /** Replaces the answer of a held entry; false when it is no longer held. */
  amend(id: number, answer: { status: number; response: JournalEntry["response"] }): boolean;
  /** Drops every entry and starts ids at 1 again. */
  clear(): void;
  /** Entries held now (at most `capacity`). */
  size(): number;
  /** Bytes held now (the entries' `size`). */
  bytes(): number;
}

/** The journal's default capacity. */
export const DEFAULT_JOURNAL_CAPACITY = 10_000;

/** The journal's default byte bound: 10,000 entries of a few KiB each, with room. */
export const DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024;

/**
 * Creates an empty journal.
 *
 * @param capacity entries kept (an integer >= 1); default {@link DEFAULT_JOURNAL_CAPACITY}.
 * @example
 * const journal = createJournal();
 * journal.record({ time: clock.now(), method: "POST", path, ... });
 * journal.list({ businessId: 42, limit: 10 }); // the last ten requests of business 42
 */
export function createJournal(capacity: number = DEFAULT_JOURNAL_CAPACITY, maxBytes: number = DEFAULT_JOURNAL_BYTES): Journal {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`journal capacity must be an integer >= 1, got ${String(capacity)}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`journal maxBytes must be an integer >= 1, got ${String(maxBytes)}`);
  }
  // A ring: `slots[head]` is the oldest entry, the next `count - 1` slots (wrapping) the newer ones.
  let slots: Array<Stored | undefined> = new Array(capacity);
  let head = 0;
  let count = 0;
  let nextId = 1;
  let held = 0;
  const sizeOf = (stored: Stored | undefined) => stored?.input.size ?? 0;
  const dropOldest = () => {
    held -= sizeOf(slots[head]);
    slots[head] = undefined;
    head = (head + 1) % capacity;
    count -= 1;
  };
  /** The held entry with this id, if any: ids are consecutive, the oldest at `head`. */
  const find = (id: number): Stored | undefined => {
    const oldest = slots[head];
    if (count === 0 || oldest === undefined || !Number.isSafeInteger(id) || id < oldest.id || id >= oldest.id + count) return undefined;
    return slots[(head + (id - oldest.id)) % capacity];
  };
  const matches = (stored: Stored, businessId: number | undefined, status: number | undefined) =>
    (businessId === undefined || stored.input.businessId === businessId) && (status === undefined || stored.input.status === status);

  return {
    capacity,
    maxBytes,
    record(input: JournalInput): number {
      const id = nextId++;
      const stored: Stored = { id, input };
      // Full: the oldest goes, and its slot takes the new entry, instead of shifting the array.
      if (count === capacity) dropOldest();
      slots[(head + count) % capacity] = stored;
      count += 1;
      held += sizeOf(stored);
      while (count > 1 && held > maxBytes) dropOldest();
      return id;
    },
    list(filter: JournalFilter = {}): JournalEntry[] {
      const { businessId, status, limit } = filter;
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
        throw new RangeError(`journal limit must be an integer >= 0, got ${String(limit)}`);
      }
      const wanted = limit ?? count;
      const newestFirst: JournalEntry[] = [];
      // Walk from the newest so `limit` stops the walk early.
      for (let i = count - 1; i >= 0 && newestFirst.length < wanted; i -= 1) {
        const stored = slots[(head + i) % capacity];
        if (stored === undefined) continue;
        if (businessId !== undefined && stored.input.businessId !== businessId) continue;
        if (status !== undefined && stored.input.status !== status) continue;
        newestFirst.push(materialize(stored));
      }
      return newestFirst.reverse();
    },
    page(query: JournalPageQuery = {}): JournalPage {
      const { businessId, status, limit, before, maxBytes: pageBytes } = query;
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
        throw new RangeError(`journal limit must be an integer >= 0, got ${String(limit)}`);
      }
      const wanted = limit ?? count;
      const newestFirst: JournalEntry[] = [];
      let total = 0;
      let bytes = 0;
      let next: number | null = null;
      for (let i = count - 1; i >= 0; i -= 1) {
        const stored = slots[(head + i) % capacity];
        if (stored === undefined || !matches(stored, businessId, status)) continue;
        total += 1;
        if (before !== undefined && stored.id >= before) continue;
        const full = newestFirst.length >= wanted || (pageBytes !== undefined && newestFirst.length > 0 && bytes >= pageBytes);
        if (full) {
          next ??= newestFirst.at(-1)?.id ?? stored.id + 1;
          continue;
        }
        newestFirst.push(materialize(stored));
        bytes += sizeOf(stored);
      }
      return { entries: newestFirst.reverse(), total, next };
    },
    amend(id, answer): boolean {
      const stored = find(id);
      if (stored === undefined) return false;
      stored.input.status = answer.status;
      stored.input.response = answer.response;
      return true;
    },
    clear(): void {
      slots = new Array(capacity);
      head = 0;
      count = 0;
      nextId = 1;
      held = 0;
    },
    size: () => count,
    bytes: () => held,
  };
}

interface Stored {
  id: number;
  input: JournalInput;
}

/** The entry as listed; what was deferred is made now, once, and kept in its made form. */
function materialize(stored: Stored): JournalEntry {
  const { input } = stored;
  if (typeof input.time === "number") input.time = isoInstant(input.time);
  if (typeof input.request.headers === "function") input.request.headers = input.request.headers();
  return { id: stored.id, ...input, time: input.time, request: { ...input.request, headers: input.request.headers } };
}

const REDACTED = "[REDACTED]";

/** Headers whose whole value is a credential. */
const SECRET_HEADERS = new Set(["api-key", "cookie", "set-cookie"]);

/** Headers of the form `<scheme> <credentials>` (RFC 9110 §11.6.2, §11.7.2). */
const AUTHORIZATION_HEADERS = new Set(["authorization", "proxy-authorization"]);

/**
 * Schemes kept in clear, from the IANA HTTP Authentication Scheme Registry, lower case. Only
 * known names are kept: an unknown first word may itself be the secret (a bare token with a space
 * in it), so it is redacted with the rest.
 */
const KNOWN_SCHEMES = new Set([
  "basic",
  "bearer",
  "concealed",
  "digest",
  "dpop",
  "gnap",
  "hoba",
  "mutual",
  "negotiate",
  "oauth",
  "privatetoken",
  "scram-sha-1",
  "scram-sha-256",
  "vapid",
]);

/**
 * Copies headers with credentials replaced: Api-Key → "[REDACTED]", Authorization → "<scheme> [REDACTED]", Cookie too. Lower-case names.
 * Proxy-Authorization is treated like Authorization and Set-Cookie like Cookie. An Authorization
 * value without a known scheme becomes "[REDACTED]" entirely.
 *
 * @example
 * redactHeaders(new Headers({ Authorization: "Bearer abc" })); // { authorization: "Bearer [REDACTED]" }
 */
export function redactHeaders(headers: Headers): Record<string, string> {
  const copy: Record<string, string> = {};
  // Headers iterates with lower-case names already (Fetch standard).
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    copy[lower] = redactValue(lower, value);
  }
  return copy;
}

/**
 * {@link redactHeaders} for a raw header list (name, value, name, value, …, as Node's
 * `IncomingMessage.rawHeaders`), read the way a Fetch Headers object reads it: lower-case names in
 * sorted order, repeated headers joined. Keeping the list rather than the request's Headers lets
 * the journal hold a request's headers without holding the request, its socket and its response.
 *
 * @example
 * redactHeaderList(["Api-Key", "secret", "Accept", "application/json"]); // { accept: "application/json", "api-key": "[REDACTED]" }
 */
export function redactHeaderList(raw: readonly string[]): Record<string, string> {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A name or value Fetch refuses (HTTP/2 pseudo-headers, say) is left out of the journal.
    }
  }
  return redactHeaders(headers);
}

/** The value to journal for a header of this (lower-case) name. */
function redactValue(name: string, value: string): string {
  if (SECRET_HEADERS.has(name)) return REDACTED;
  if (AUTHORIZATION_HEADERS.has(name)) return redactAuthorization(value);
  return value;
}

function redactAuthorization(value: string): string {
  const scheme = value.trim().split(/\s+/, 1)[0] ?? "";
  return KNOWN_SCHEMES.has(scheme.toLowerCase()) ? `${scheme} ${REDACTED}` : REDACTED;
}
