/**
 * A typed client of the mock's control API (`/__mock/*`): reset, move the clock, read the journal,
 * inject faults, read the state. It works over any `fetch`: the network one for a mock on a port
 * (started by `startMock` or by the `createchat-mock` command in CI), or the in-process one of
 * `createMockFetch`.
 */
import { MAX_JOURNAL_PAGE } from "../mock/control/control-schemas.js";
import { parseDuration } from "../mock/state/clock.js";
import type {
  ActiveFault,
  ChatCustomer,
  ChatSnapshot,
  ChatStatus,
  ChatType,
  ChatWithMessages,
  ClockMove,
  ControlMessage,
  FaultRule,
  JournalEntry,
  JournalFilter,
  MockStateSnapshot,
  OperationQuota,
  PostedMessage,
} from "./control-types.js";
import type { FixturesInput } from "./fixtures-input.js";

/**
 * Steers a running mock between API calls. Every method rejects with {@link MockControlError}
 * when the mock refuses, and with {@link MockUnreachableError} when no mock answers.
 *
 * Dates: every instant it returns is an ISO 8601 string in UTC with milliseconds
 * (`2026-11-25T13:00:00.000Z`, as `Date#toISOString()` writes it); every instant it takes may be
 * a `Date`, such a string (RFC 3339 with a zone) or epoch milliseconds.
 */
export interface MockControl {
  /** Fixtures, chats, quota, journal, faults and clock back to how the mock started. */
  reset(): Promise<void>;
  /** Moves the mock's virtual clock forward: `ms` >= 0, or a duration such as `"90s"`, `"1h"`. Quota windows roll without waiting. */
  advanceTime(by: number | string): Promise<ClockMove>;
  /** Sets the mock's virtual clock to an instant (a Date, RFC 3339 text with a zone, or epoch ms); it may go back. */
  setTime(instant: Date | string | number): Promise<ClockMove>;
  /** The journal of API requests, oldest first; `filter` narrows by business, status, or the newest `limit`. */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** Injects a fault: the next matching requests (`times`, default: until cleared) answer `status`; a 420 imitates `kind` (default `hourly`). */
  fault(rule: FaultRule): Promise<ActiveFault>;
  /** The active faults, oldest first. */
  faults(): Promise<ActiveFault[]>;
  /** Removes every fault; resolves to how many there were. */
  clearFaults(): Promise<number>;
  /** The clock, quota settings, each business's quota window, in-flight count and chats, and the faults. */
  state(): Promise<MockStateSnapshot>;
  /** Replaces tokens and businesses (the `--fixtures` shape, checked like a file); chats and quota start over. */
  setFixtures(fixtures: FixturesInput): Promise<{ businesses: number; tokens: number }>;
  /**
   * Writes into a chat as the other side: the customer, the marketplace or its support. The chat's
   * status moves as after any message (a customer's leaves it waiting for the seller).
   */
  postMessage(chatId: number, message: ControlMessage): Promise<PostedMessage>;
  /** Opens a DIRECT chat of the business, as a customer does from the store's page; with `message`, the customer's first one. */
  openDirectChat(businessId: number, options?: { customer?: ChatCustomer; message?: string }): Promise<ChatSnapshot>;
  /** A chat (any business's) with every message it holds, oldest first. */
  chat(chatId: number): Promise<ChatWithMessages>;
  /** Sets a chat's type and/or status, e.g. `{ status: "FINISHED" }`, `{ type: "ARBITRAGE" }` (a dispute, waiting for the arbiter). */
  updateChat(chatId: number, change: { type?: ChatType; status?: ChatStatus }): Promise<ChatSnapshot>;
  /** The bytes of a file sent into a chat, while the mock keeps them (small files only, see --keep-file-bytes). */
  fileBytes(fileId: number): Promise<Uint8Array>;
  /** Sets one operation's quota from now on (its windows start over): `limit` requests per `window` (ms or `"1m"`). */
  setOperationQuota(operationId: string, quota: { limit?: number; window?: number | string }): Promise<OperationQuota>;
  /** Puts one operation's quota back to what the mock started with. */
  resetOperationQuota(operationId: string): Promise<OperationQuota>;
}

/** Options of {@link createMockControl}. */
export interface MockControlOptions {
  /** Root URL of the mock, e.g. `http://127.0.0.1:4010`. Required. */
  baseUrl: string;
  /** What to send the control requests with. Default: `globalThis.fetch`, looked up on each call (so MSW's patch applies). */
  fetch?: (request: Request) => Promise<Response>;
  /** The mock's `--control-token`, sent as `Authorization: Bearer <token>`. Default: none. */
  controlToken?: string;
}

/** The mock refused a control request; `code` and `detail` come from its error body. */
export class MockControlError extends Error {
  override readonly name = "MockControlError";
  readonly status: number;
  /** The control API's error code, e.g. `INVALID_CONTROL_REQUEST`, `CONTROL_UNAUTHORIZED`. */
  readonly code: string | undefined;
  /** The mock's own message, e.g. `/advanceMs must be >= 0`. */
  readonly detail: string;

  constructor(method: string, path: string, status: number, code: string | undefined, detail: string) {
    // Some refusals already start with the route (a fixtures error is labelled `PUT /__mock/fixtures: …`); say it once.
    const own = detail.startsWith(`${method} ${path}: `) ? detail.slice(method.length + path.length + 3) : detail;
    super(`${method} ${path}: HTTP ${status}${code === undefined ? "" : ` ${code}`}: ${own}`);
    this.status = status;
    this.code = code;
    this.detail = own;
  }
}

/** No mock answered a control request: nothing listens at the URL, or the connection failed. `cause` is what `fetch` threw. */
export class MockUnreachableError extends Error {
  override readonly name = "MockUnreachableError";
  /** The URL the request went to, e.g. `http://127.0.0.1:4010/__mock/reset`. */
  readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${url}: no mock answered (${reasonOf(cause)}); is one running at ${new URL(url).origin}?`, { cause });
    this.url = url;
  }
}

/**
 * Creates a control client for the mock at `baseUrl`.
 *
 * @param options.fetch default `globalThis.fetch`.
 * @param options.controlToken default none (a mock without a token answers loopback clients only).
 * @example
 * // A mock started by `npx createchat-mock --port 4010` in CI:
 * const control = createMockControl({ baseUrl: "http://127.0.0.1:4010" });
 * await control.reset();
 * await control.fault({ status: 500, times: 1 });
 */
export function createMockControl(options: MockControlOptions): MockControl {
  const root = new URL("/__mock/", options.baseUrl);
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const authorization = options.controlToken === undefined ? undefined : `Bearer ${options.controlToken}`;

  async function call<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, as: "json" | "bytes" = "json"): Promise<T> {
    const url = new URL(path, root);
    const headers = new Headers({ Accept: "application/json" });
    if (authorization !== undefined) headers.set("Authorization", authorization);
    // Every state-changing call says JSON, body or not: the mock refuses one that does not (a web page's forgery would not).
    if (method !== "GET") headers.set("Content-Type", "application/json");
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await send(new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new MockUnreachableError(method, url.href, error);
    }
    const text = () => new TextDecoder().decode(bytes);
    if (!response.ok) {
      const { code, message } = firstError(text());
      throw new MockControlError(method, url.pathname, response.status, code, message ?? text().slice(0, 200));
    }
    return (as === "bytes" ? bytes : JSON.parse(text())) as T;
  }

  const clockMove = (answer: ClockMove): ClockMove => ({ now: isoInstant(answer.now), clockOffsetMs: answer.clockOffsetMs });

  return {
    async reset() {
      await call("POST", "reset");
    },
    async advanceTime(by) {
      const advanceMs = typeof by === "string" ? parseDuration(by) : by;
      return clockMove(await call("POST", "clock", { advanceMs }));
    },
    async setTime(instant) {
      const now = instant instanceof Date ? instant.toISOString() : instant;
      return clockMove(await call("POST", "clock", { now }));
    },
    async requests(filter = {}) {
      // The mock serves the journal in pages, newest first; this reads pages until it has `limit`
      // entries (all, without one) and gives them oldest first.
      const pages: JournalEntry[][] = [];
      let wanted = filter.limit ?? Number.POSITIVE_INFINITY;
      let before: number | null | undefined;
      while (wanted > 0 && before !== null) {
        const query = new URLSearchParams();
        if (filter.businessId !== undefined) query.set("businessId", String(filter.businessId));
        if (filter.status !== undefined) query.set("status", String(filter.status));
        query.set("limit", String(Math.min(wanted, MAX_JOURNAL_PAGE)));
        if (before !== undefined) query.set("before", String(before));
        const page = await call<{ requests: JournalEntry[]; next?: number | null }>("GET", `requests?${query}`);
        pages.unshift(page.requests);
        wanted -= page.requests.length;
        // A mock of an earlier version answers without `next`: then this was the whole journal.
        before = page.requests.length === 0 ? null : (page.next ?? null);
      }
      return pages.flat();
    },
    fault: (rule) => call<ActiveFault>("POST", "faults", rule),
    async faults() {
      return (await call<{ faults: ActiveFault[] }>("GET", "faults")).faults;
    },
    async clearFaults() {
      return (await call<{ cleared: number }>("DELETE", "faults")).cleared;
    },
    async state() {
      return isoState(await call<MockStateSnapshot>("GET", "state"));
    },
    setFixtures: (fixtures) => call("PUT", "fixtures", fixtures),
    postMessage(chatId, { sender, message, file }) {
      const body: Record<string, unknown> = { sender };
      if (message !== undefined) body.message = message;
      if (file !== undefined) {
        const bytes = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : Buffer.from(file.content);
        body.file = { name: file.name, ...(file.mediaType === undefined ? {} : { mediaType: file.mediaType }), base64: bytes.toString("base64") };
      }
      return call("POST", `chats/${chatId}/messages`, body);
    },
    openDirectChat: (businessId, options = {}) => call("POST", "chats", { businessId, ...options }),
    chat: (chatId) => call("GET", `chats/${chatId}`),
    updateChat: (chatId, change) => call("PATCH", `chats/${chatId}`, change),
    fileBytes: (fileId) => call("GET", `files/${fileId}`, undefined, "bytes"),
    setOperationQuota(operationId, { limit, window }) {
      const windowMs = typeof window === "string" ? parseDuration(window) : window;
      return call("PUT", `quotas/${encodeURIComponent(operationId)}`, { ...(limit === undefined ? {} : { limit }), ...(windowMs === undefined ? {} : { windowMs }) });
    },
    resetOperationQuota: (operationId) => call("DELETE", `quotas/${encodeURIComponent(operationId)}`),
  };
}

/**
 * The snapshot with every instant as `toISOString()` writes it. Mocks of earlier versions sent
 * `quota.until` as an HTTP date; a CI job may run one of those against a newer client.
 */
function isoState(state: MockStateSnapshot): MockStateSnapshot {
  return {
    ...state,
    now: isoInstant(state.now),
    businesses: state.businesses.map((business) => ({
      ...business,
      quota: {
        ...business.quota,
        until: business.quota.until === null ? null : isoInstant(business.quota.until),
        windowStart: business.quota.windowStart === null ? null : isoInstant(business.quota.windowStart),
      },
      chats: business.chats.map((chat) => ({ ...chat, createdAt: isoInstant(chat.createdAt), updatedAt: isoInstant(chat.updatedAt ?? chat.createdAt) })),
    })),
  };
}

/** An instant the mock sent, as `toISOString()` writes it; text no Date can read is kept as it came. */
function isoInstant(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** The innermost cause's code and message: undici says only "fetch failed", its cause says why. */
function reasonOf(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  if (!(inner instanceof Error)) return String(inner);
  const code = (inner as NodeJS.ErrnoException).code;
  return code !== undefined && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message;
}

function firstError(text: string): { code: string | undefined; message: string | undefined } {
  try {
    const body: unknown = JSON.parse(text);
    const first: unknown =
      typeof body === "object" && body !== null && "errors" in body && Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (typeof first !== "object" || first === null) return { code: undefined, message: undefined };
    return {
      code: "code" in first && typeof first.code === "string" ? first.code : undefined,
      message: "message" in first && typeof first.message === "string" ? first.message : undefined,
    };
  } catch {
    return { code: undefined, message: undefined };
  }
}
