/**
 * The request journal: the last N API requests with their answers, for `GET /__mock/requests`,
 * kept in a fixed-size ring bounded in entries and in bytes (each entry keeps previews of large
 * headers and bodies), so a long load test costs bounded memory and O(1) per request.
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
  /**
   * About how many bytes the entry holds (its previews of headers and body, its answer); the
   * journal's byte bound counts it. Default: an estimate from what is given as text.
   */
  size?: number;
}

/** Which entries `list` returns; every field absent = all. */
export interface JournalFilter {
  businessId?: number;
  status?: number;
  /** Only the newest N matching entries (an integer >= 0), still listed oldest first. */
  limit?: number;
}

/** One page of the journal: the newest `limit` matching entries older than `before`, oldest first. */
export interface JournalPageQuery extends JournalFilter {
  /** Only entries with an id below this one: the `next` of the page before. */
  before?: number;
  /** Stop the page once its entries hold this many bytes (it still has at least one). Default: no bound. */
  maxBytes?: number;
}

export interface JournalPage {
  entries: JournalEntry[];
  /** Entries matching the filter (not `before`) held now. */
  total: number;
  /** The `before` of the next (older) page, or null when there are no older matching entries. */
  next: number | null;
}

/** The bounded journal. */
export interface Journal {
  /** How many entries it keeps; recording one more drops the oldest. */
  readonly capacity: number;
  /** How many bytes (by each entry's `size`) it keeps; past it the oldest entries are dropped. */
  readonly maxBytes: number;
  /** Stores the entry under the next id and returns that id. */
  record(entry: JournalInput): number;
  /** Matching entries, oldest first, newest last. */
  list(filter?: JournalFilter): JournalEntry[];
  /** One page of matching entries, newest pages first: what `GET /__mock/requests` serves. */
  page(query?: JournalPageQuery): JournalPage;
  /**
   * Replaces the answer of entry `id`, when the client got another one than the mock made (the
   * transport cut the connection and answered itself); false when the entry is gone.
   */
  amend(id: number, answer: { status: number; response: JournalEntry["response"] }): boolean;
  /** Drops every entry and starts ids at 1 again. */
  clear(): void;
  /** Entries held now (at most `capacity`). */
  size(): number;
  /** Bytes held now, by the entries' sizes (at most `maxBytes`, or one entry's if that is larger). */
  bytes(): number;
}

/** The journal's default capacity. */
export const DEFAULT_JOURNAL_CAPACITY = 10_000;
/**
 * The journal's default byte bound: 10,000 entries of a few KiB, or fewer large ones, without
 * the journal ever holding more than this (an entry keeps previews of at most a few KiB).
 */
export const DEFAULT_JOURNAL_BYTES = 16 * 1024 * 1024;
/** What an entry costs besides its texts: the object, its numbers and short strings. */
const ENTRY_OVERHEAD_BYTES = 400;

/**
 * Creates an empty journal.
 *
 * @param capacity entries kept (an integer >= 1); default {@link DEFAULT_JOURNAL_CAPACITY}.
 * @param maxBytes bytes kept (an integer >= 1); default {@link DEFAULT_JOURNAL_BYTES}.
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
  let bytes = 0;

  const dropOldest = () => {
    bytes -= (slots[head] as Stored).size;
    slots[head] = undefined;
    head = (head + 1) % capacity;
    count -= 1;
  };
  const matches = (stored: Stored, { businessId, status }: JournalFilter) =>
    (businessId === undefined || stored.input.businessId === businessId) && (status === undefined || stored.input.status === status);
  const checkLimit = (limit: number | undefined) => {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new RangeError(`journal limit must be an integer >= 0, got ${String(limit)}`);
    }
  };

  return {
    capacity,
    maxBytes,
    record(input: JournalInput): number {
      const id = nextId++;
      const size = input.size ?? estimateSize(input);
      if (count === capacity) dropOldest();
      slots[(head + count) % capacity] = { id, input, size };
      count += 1;
      bytes += size;
      // The bytes bound: the oldest go first; the newest entry stays even when it alone is over.
      while (bytes > maxBytes && count > 1) dropOldest();
      return id;
    },
    list(filter: JournalFilter = {}): JournalEntry[] {
      checkLimit(filter.limit);
      const wanted = filter.limit ?? count;
      const newestFirst: JournalEntry[] = [];
      // Walk from the newest so `limit` stops the walk early.
      for (let i = count - 1; i >= 0 && newestFirst.length < wanted; i -= 1) {
        const stored = slots[(head + i) % capacity] as Stored;
        if (matches(stored, filter)) newestFirst.push(materialize(stored));
      }
      return newestFirst.reverse();
    },
    page(query: JournalPageQuery = {}): JournalPage {
      checkLimit(query.limit);
      const wanted = query.limit ?? count;
      const before = query.before ?? Number.POSITIVE_INFINITY;
      const pageBytes = query.maxBytes ?? Number.POSITIVE_INFINITY;
      const newestFirst: JournalEntry[] = [];
      let total = 0;
      let taken = 0;
      let next: number | null = null;
      let full = wanted === 0;
      for (let i = count - 1; i >= 0; i -= 1) {
        const stored = slots[(head + i) % capacity] as Stored;
        if (!matches(stored, query)) continue;
        total += 1;
        if (stored.id >= before) continue;
        if (full) {
          // One older match is enough to say there is a next page; the walk goes on only to count.
          next ??= (newestFirst.at(-1)?.id ?? before) as number;
          continue;
        }
        newestFirst.push(materialize(stored));
        taken += stored.size;
        full = newestFirst.length >= wanted || taken >= pageBytes;
      }
      return { entries: newestFirst.reverse(), total, next: Number.isFinite(next) ? next : null };
    },
    amend(id, answer) {
      for (let i = count - 1; i >= 0; i -= 1) {
        const stored = slots[(head + i) % capacity] as Stored;
        if (stored.id !== id) continue;
        stored.input.status = answer.status;
        stored.input.response = answer.response;
        return true;
      }
      return false;
    },
    clear(): void {
      slots = new Array(capacity);
      head = 0;
      count = 0;
      nextId = 1;
      bytes = 0;
    },
    size: () => count,
    bytes: () => bytes,
  };
}

interface Stored {
  id: number;
  input: JournalInput;
  size: number;
}

/** An entry's size when the recorder did not say: its texts (JSON text of what is not) and the overhead. */
function estimateSize(input: JournalInput): number {
  const text = (value: unknown) => (typeof value === "string" ? value.length : value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0));
  const headers = typeof input.request.headers === "function" ? 0 : text(input.request.headers);
  return ENTRY_OVERHEAD_BYTES + headers + text(input.request.body) + text(input.response.body) + text(input.response.headers);
}

/** The entry as listed; what was deferred is made now, once, and kept in its made form. */
function materialize(stored: Stored): JournalEntry {
  const { input } = stored;
  if (typeof input.time === "number") input.time = isoInstant(input.time);
  if (typeof input.request.headers === "function") input.request.headers = input.request.headers();
  const { size: _size, ...entry } = input;
  return { id: stored.id, ...entry, time: input.time, request: { ...input.request, headers: input.request.headers } };
}

/**
 * A copy of `text` that holds nothing else: V8 makes a slice of a long string (and a short string
 * joined to one) a view that keeps the whole original alive, so a 256-character preview would hold
 * its 64 KiB body or 16 KB header in the journal.
 */
export function detached(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

/** How many characters of a request's headers the journal keeps; a longer value is kept as a preview. */
export const JOURNAL_HEADERS_MAX_CHARS = 4096;
const JOURNAL_HEADER_PREVIEW_CHARS = 256;
/** The header that says the journal left headers out. */
export const JOURNAL_CUT_HEADER = "x-journal-cut";

/**
 * A raw header list (name, value, …) as the journal keeps it, and its size in characters: as it
 * is when it is small (no copy), else each value over 256 characters cut to a preview that says
 * so, and the headers past {@link JOURNAL_HEADERS_MAX_CHARS} left out, counted in an
 * `x-journal-cut` header. Cut before redaction: a credential is still redacted whole.
 */
export function boundedHeaderList(raw: readonly string[], maxChars = JOURNAL_HEADERS_MAX_CHARS): { list: readonly string[]; chars: number } {
  let chars = 0;
  for (const part of raw) chars += part.length;
  if (chars <= maxChars) return { list: raw, chars };
  const list: string[] = [];
  let kept = 0;
  let left = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    // ASCII only: a header value with "…" is not one Fetch's Headers would take.
    const shown = value.length > JOURNAL_HEADER_PREVIEW_CHARS ? detached(`${value.slice(0, JOURNAL_HEADER_PREVIEW_CHARS)}... (${value.length} characters, cut for the journal)`) : value;
    if (kept + name.length + shown.length > maxChars) {
      left += 1;
      continue;
    }
    list.push(name, shown);
    kept += name.length + shown.length;
  }
  if (left > 0) list.push(JOURNAL_CUT_HEADER, `${left} more header${left === 1 ? "" : "s"} left out of the journal (${chars} characters in all)`);
  return { list, chars: kept + 100 };
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
 * sorted order, values trimmed, repeated headers joined with ", ". Keeping the list rather than the request's Headers lets
 * the journal hold a request's headers without holding the request, its socket and its response.
 *
 * @example
 * redactHeaderList(["Api-Key", "secret", "Accept", "application/json"]); // { accept: "application/json", "api-key": "[REDACTED]" }
 */
export function redactHeaderList(raw: readonly string[]): Record<string, string> {
  // By hand rather than through a Fetch Headers object: the first Headers a process makes loads
  // Node's fetch implementation (tens of ms), a stall the first journal read would pay.
  const joined = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    // A name Fetch refuses (an HTTP/2 pseudo-header, say) is left out, as Headers would refuse it.
    if (!HEADER_NAME.test(name)) continue;
    const value = (raw[i + 1] as string).replace(HTTP_WHITESPACE_AROUND, "");
    const before = joined.get(name);
    joined.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  const copy: Record<string, string> = {};
  for (const name of [...joined.keys()].sort()) copy[name] = redactValue(name, joined.get(name) as string);
  return copy;
}

/** A header name as Fetch takes it: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
/** What Fetch trims from a header value (RFC 9110 OWS, and CR LF). */
const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g;

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
