/**
 * Verification, WireMock-style: assert what the mock received, from its journal, and say what came
 * closest when it did not. No test runner is imported here: a failure is a plain thrown Error, so
 * vitest, jest and node:test all report it; `toHaveReceived` is the same check as an
 * `expect.extend` matcher for vitest or jest.
 */
import type { MockControl } from "./control-client.js";
import type { JournalEntry } from "./control-types.js";

/** How many matching requests are expected: exactly `n`, or `n` or more. */
export type RequestCount = { exactly: number } | { atLeast: number };

/** What a journaled request must be like to match; an absent field matches anything. */
export interface RequestCriteria {
  /** HTTP method, any case. */
  method?: string;
  /** The path without the query: equal to this string, or matched by this RegExp. */
  path?: string | RegExp;
  /** The contract's operation the request reached, e.g. `sendMessageToChat` (paths alone do not tell getChatMessage from sendMessageToChat). */
  operationId?: string;
  /** The status the mock answered with. */
  status?: number;
  /** The business the path names (journaled or, for a request the mock did not count, read from the path). */
  businessId?: number;
  /**
   * Partial deep match on the JSON body: every key given must be there with a matching value, keys
   * not given are ignored; arrays match item by item and must have the same length; a RegExp matches
   * a string; a key given as `undefined` must be absent.
   */
  body?: unknown;
  /** Default: `{ atLeast: 1 }`. */
  count?: RequestCount;
}

/** Where the journal comes from: a control client, anything with one (`startMock()`, `createMockFetch()`), entries read already, or a function that reads them. */
export type JournalSource =
  | Pick<MockControl, "requests">
  | { readonly control: Pick<MockControl, "requests"> }
  | readonly JournalEntry[]
  | (() => readonly JournalEntry[] | Promise<readonly JournalEntry[]>);

/** A journaled request that missed, with how close it came. */
export interface NearMiss {
  entry: JournalEntry;
  /** How many of the given criteria (count aside) it meets. */
  met: number;
  /** How many criteria were given. */
  of: number;
  /** One line per criterion it misses, e.g. `status: expected 200, got 404`. */
  mismatches: string[];
}

/** Options of {@link verifyRequests}. */
export interface VerifyOptions {
  /** How many near misses the failure message lists at most. Default: 3. */
  nearMisses?: number;
}

/** The outcome of {@link checkRequests}, whichever way it went. */
export interface RequestCheck {
  /** Whether the count of matching requests is the one expected. */
  pass: boolean;
  /** The matching requests, oldest first. */
  matched: JournalEntry[];
  /** Requests that missed, closest first (at most `nearMisses`). */
  nearMisses: NearMiss[];
  /** How many requests the journal held. */
  journalSize: number;
  /** What was expected and what was found, near misses included: the failure message. */
  message: string;
}

/** {@link verifyRequests} failed: the mock did not receive what was expected. */
export class RequestVerificationError extends Error {
  override readonly name = "RequestVerificationError";
  readonly criteria: RequestCriteria;
  readonly matched: JournalEntry[];
  readonly nearMisses: NearMiss[];

  constructor(criteria: RequestCriteria, check: RequestCheck) {
    super(check.message);
    this.criteria = criteria;
    this.matched = check.matched;
    this.nearMisses = check.nearMisses;
  }
}

const DEFAULT_NEAR_MISSES = 3;

/**
 * Asserts that the mock's journal holds the expected number of requests matching `criteria`, and
 * resolves to them; rejects with a {@link RequestVerificationError} that lists the closest
 * requests ("near misses", those meeting the most criteria first) when it does not.
 *
 * @param source a control client, a mock from the testing helpers, or journal entries.
 * @param criteria default: any request, at least one.
 * @param options.nearMisses default 3.
 * @throws RangeError for a count that is not an integer >= 0.
 * @example
 * await verifyRequests(mock, { method: "POST", businessId: 1001, status: 200, body: { context: { id: 11001 } }, count: { exactly: 1 } });
 */
export async function verifyRequests(source: JournalSource, criteria: RequestCriteria = {}, options: VerifyOptions = {}): Promise<JournalEntry[]> {
  const check = await checkRequests(source, criteria, options);
  if (!check.pass) throw new RequestVerificationError(criteria, check);
  return check.matched;
}

/** {@link verifyRequests} without throwing: the outcome and its message either way. */
export async function checkRequests(source: JournalSource, criteria: RequestCriteria = {}, options: VerifyOptions = {}): Promise<RequestCheck> {
  const count = criteria.count ?? { atLeast: 1 };
  const wanted = "exactly" in count ? count.exactly : count.atLeast;
  if (!Number.isSafeInteger(wanted) || wanted < 0) {
    throw new RangeError(`verifyRequests: count must be { exactly: n } or { atLeast: n } with an integer n >= 0, got ${JSON.stringify(count)}`);
  }
  const entries = await journalOf(source);
  const tests = criteriaTests(criteria);
  const matched: JournalEntry[] = [];
  const misses: NearMiss[] = [];
  for (const entry of entries) {
    const mismatches = tests.flatMap((test) => test(entry) ?? []);
    if (mismatches.length === 0) matched.push(entry);
    else misses.push({ entry, met: tests.length - mismatches.length, of: tests.length, mismatches });
  }
  const pass = "exactly" in count ? matched.length === count.exactly : matched.length >= count.atLeast;
  // Closest first; among equals the newest, most likely the request the test just made.
  const nearMisses = misses.sort((a, b) => b.met - a.met || b.entry.id - a.entry.id).slice(0, options.nearMisses ?? DEFAULT_NEAR_MISSES);
  const journalSize = entries.length;
  return { pass, matched, nearMisses, journalSize, message: describeCheck(criteria, count, { matched, nearMisses, journalSize, pass }) };
}

/** The result an `expect.extend` matcher returns, in the shape vitest and jest both take. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * `expect(mock).toHaveReceived(criteria)` for `expect.extend` (vitest or jest); `await` it, the
 * journal is read asynchronously. With `.not`, passes when the count is not the expected one.
 *
 * @example
 * expect.extend({ toHaveReceived }); // jest; for vitest, import "market-createchat-mock/vitest" instead
 * await expect(mock).toHaveReceived({ businessId: 1001, status: 420, count: { exactly: 1 } });
 */
export async function toHaveReceived(this: { isNot?: boolean } | void, received: JournalSource, criteria: RequestCriteria = {}): Promise<MatcherResult> {
  const check = await checkRequests(received, criteria);
  const negated = typeof this === "object" && this !== null && this.isNot === true;
  return { pass: check.pass, message: () => (negated ? describeNegated(criteria, check) : check.message) };
}

/** The matching entries among `entries` (no count, no throwing): for assertions of your own. */
export function matchRequests(entries: readonly JournalEntry[], criteria: RequestCriteria = {}): JournalEntry[] {
  const tests = criteriaTests(criteria);
  return entries.filter((entry) => tests.every((test) => test(entry) === undefined));
}

async function journalOf(source: JournalSource): Promise<readonly JournalEntry[]> {
  if (Array.isArray(source)) return source as readonly JournalEntry[];
  // `createMockFetch()` is a function with `control`, so `control` is looked for first.
  if ((typeof source === "object" || typeof source === "function") && source !== null) {
    if ("control" in source) return source.control.requests();
    if ("requests" in source && typeof source.requests === "function") return source.requests();
  }
  if (typeof source === "function") return (source as () => readonly JournalEntry[] | Promise<readonly JournalEntry[]>)();
  throw new TypeError("verifyRequests: the source must be a mock, a control client, journal entries or a function returning them");
}

/** One test per given criterion: undefined when the entry meets it, else why not. */
type CriterionTest = (entry: JournalEntry) => string | undefined;

function criteriaTests(criteria: RequestCriteria): CriterionTest[] {
  const tests: CriterionTest[] = [];
  const { method, path, operationId, status, businessId } = criteria;
  if (method !== undefined) {
    tests.push((e) => (e.method.toUpperCase() === method.toUpperCase() ? undefined : `method: expected ${method.toUpperCase()}, got ${e.method}`));
  }
  if (path !== undefined) {
    tests.push((e) =>
      (typeof path === "string" ? e.path === path : matchesPattern(path, e.path)) ? undefined : `path: expected ${describePath(path)}, got ${e.path}`,
    );
  }
  if (operationId !== undefined) {
    tests.push((e) => (e.operationId === operationId ? undefined : `operationId: expected ${operationId}, got ${e.operationId ?? "none"}`));
  }
  if (status !== undefined) tests.push((e) => (e.status === status ? undefined : `status: expected ${status}, got ${e.status}`));
  if (businessId !== undefined) {
    tests.push((e) => {
      const actual = businessIdOf(e);
      return actual === businessId ? undefined : `businessId: expected ${businessId}, got ${actual ?? "none"}`;
    });
  }
  if ("body" in criteria) {
    tests.push((e) => {
      const difference = bodyDifference(criteria.body, e.request.body, "");
      if (difference === undefined) return undefined;
      return difference.startsWith("at ") ? `body ${difference}` : `body: ${difference}`;
    });
  }
  return tests;
}

function matchesPattern(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return pattern.test(text);
}

const BUSINESS_PATH = /^\/v2\/businesses\/([1-9]\d{0,15})\/chats\/new$/;

/** The entry's business; from the path when the journal left it out (mocks before issue 16 did for uncounted requests). */
function businessIdOf(entry: JournalEntry): number | undefined {
  if (entry.businessId !== undefined) return entry.businessId;
  const digits = BUSINESS_PATH.exec(entry.path)?.[1];
  const id = digits === undefined ? undefined : Number(digits);
  return id !== undefined && Number.isSafeInteger(id) ? id : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Where and how `actual` differs from the partial `expected`, or undefined when it matches. */
function bodyDifference(expected: unknown, actual: unknown, at: string): string | undefined {
  const where = at === "" ? "" : `at ${at}`;
  const got = (value: unknown) => `${where === "" ? "" : `${where}: `}expected ${show(expected)}, got ${show(value)}`;
  if (expected instanceof RegExp) return typeof actual === "string" && matchesPattern(expected, actual) ? undefined : got(actual);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return got(actual);
    if (actual.length !== expected.length) return `${where === "" ? "" : `${where}: `}expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const difference = bodyDifference(expected[i], actual[i], `${at}/${i}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return got(actual);
    for (const [key, value] of Object.entries(expected)) {
      const child = `${at}/${pointerToken(key)}`;
      if (value === undefined) {
        if (actual[key] !== undefined) return `at ${child}: expected no value, got ${show(actual[key])}`;
        continue;
      }
      if (!(key in actual)) return `at ${child}: expected ${show(value)}, got nothing`;
      const difference = bodyDifference(value, actual[key], child);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : got(actual);
}

/** A value in a message: JSON, cut short; a RegExp as its source. */
function show(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function describePath(path: string | RegExp): string {
  return typeof path === "string" ? path : String(path);
}

function describeCriteria(criteria: RequestCriteria): string {
  const parts: string[] = [];
  if (criteria.method !== undefined) parts.push(`method ${criteria.method.toUpperCase()}`);
  if (criteria.path !== undefined) parts.push(`path ${describePath(criteria.path)}`);
  if (criteria.operationId !== undefined) parts.push(`operationId ${criteria.operationId}`);
  if (criteria.status !== undefined) parts.push(`status ${criteria.status}`);
  if (criteria.businessId !== undefined) parts.push(`businessId ${criteria.businessId}`);
  if ("body" in criteria) parts.push(`body ${show(criteria.body)}`);
  return parts.length === 0 ? "any request" : parts.join(", ");
}

function describeCount(count: RequestCount): string {
  const n = "exactly" in count ? count.exactly : count.atLeast;
  return `${"exactly" in count ? "exactly" : "at least"} ${n} request${n === 1 ? "" : "s"}`;
}

function describeEntry(entry: JournalEntry): string {
  const business = businessIdOf(entry);
  return `#${entry.id} ${entry.method} ${entry.path} -> ${entry.status}${business === undefined ? "" : ` (business ${business})`}${entry.counted ? "" : ", not counted"}`;
}

function describeCheck(
  criteria: RequestCriteria,
  count: RequestCount,
  found: { matched: JournalEntry[]; nearMisses: NearMiss[]; journalSize: number; pass: boolean },
): string {
  const { matched, nearMisses, journalSize } = found;
  const lines = [`Expected the mock to have received ${describeCount(count)} matching: ${describeCriteria(criteria)}`];
  if (journalSize === 0) {
    lines.push("but the journal is empty: no API request reached the mock.");
    return lines.join("\n");
  }
  lines.push(`${found.pass ? "and" : "but"} ${matched.length} of ${journalSize} journaled request${journalSize === 1 ? "" : "s"} matched${matched.length === 0 ? "." : ":"}`);
  for (const entry of matched.slice(0, 10)) lines.push(`  ${describeEntry(entry)}`);
  if (matched.length > 10) lines.push(`  … and ${matched.length - 10} more`);
  const wanted = "exactly" in count ? count.exactly : count.atLeast;
  if (matched.length < wanted && nearMisses.length > 0) {
    lines.push("Near misses, closest first:");
    for (const miss of nearMisses) {
      lines.push(`  ${describeEntry(miss.entry)}: meets ${miss.met} of ${miss.of}; ${miss.mismatches.join("; ")}`);
    }
  }
  return lines.join("\n");
}

function describeNegated(criteria: RequestCriteria, check: RequestCheck): string {
  const count = criteria.count ?? { atLeast: 1 };
  const lines = [`Expected the mock not to have received ${describeCount(count)} matching: ${describeCriteria(criteria)}`];
  lines.push(`but ${check.matched.length} of ${check.journalSize} journaled requests matched${check.matched.length === 0 ? "." : ":"}`);
  for (const entry of check.matched.slice(0, 10)) lines.push(`  ${describeEntry(entry)}`);
  return lines.join("\n");
}
