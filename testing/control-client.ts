/**
 * A typed client of the mock's control API (`/__mock/*`): reset, move the clock, read the journal,
 * inject faults, read the state. It works over any `fetch`: the network one for a mock on a port
 * (started by `startMock` or by the `createchat-mock` command in CI), or the in-process one of
 * `createMockFetch`.
 */
import { parseDuration } from "../mock/clock.js";
import type {
  ActiveFault,
  ClockMove,
  FaultRule,
  JournalEntry,
  JournalFilter,
  MockStateSnapshot,
} from "./control-types.js";
import type { FixturesInput } from "./fixtures-input.js";

/** Steers a running mock between API calls. Every method rejects with {@link MockControlError} when the mock refuses. */
export interface MockControl {
  /** Fixtures, chats, quota, journal, faults and clock back to how the mock started. */
  reset(): Promise<void>;
  /** Moves the mock's virtual clock forward: `ms` >= 0, or a duration such as `"90s"`, `"1h"`. Quota windows roll without waiting. */
  advanceTime(by: number | string): Promise<ClockMove>;
  /** Sets the mock's virtual clock to an instant (a Date, RFC 3339 text with a zone, or epoch ms); it may go back. */
  setTime(instant: Date | string | number): Promise<ClockMove>;
  /** The journal of API requests, oldest first; `filter` narrows by business, status, or the newest `limit`. */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** Injects a fault: the next matching requests (`times`, default: until cleared) answer `status`. */
  fault(rule: FaultRule): Promise<ActiveFault>;
  /** The active faults, oldest first. */
  faults(): Promise<ActiveFault[]>;
  /** Removes every fault; resolves to how many there were. */
  clearFaults(): Promise<number>;
  /** The clock, quota settings, each business's quota window, in-flight count and chats, and the faults. */
  state(): Promise<MockStateSnapshot>;
  /** Replaces tokens and businesses (the `--fixtures` shape, checked like a file); chats and quota start over. */
  setFixtures(fixtures: FixturesInput): Promise<{ businesses: number; tokens: number }>;
}

/** Options of {@link createMockControl}. */
export interface MockControlOptions {
  /** Root URL of the mock, e.g. `http://127.0.0.1:4010`. Required. */
  baseUrl: string;
  /** What to send the control requests with. Default: `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** The mock's `--control-token`, sent as `Authorization: Bearer <token>`. Default: none. */
  controlToken?: string;
}

/** The mock refused a control request; `code` and `message` come from its error body. */
export class MockControlError extends Error {
  override readonly name = "MockControlError";
  readonly status: number;
  /** The control API's error code, e.g. `INVALID_CONTROL_REQUEST`, `CONTROL_UNAUTHORIZED`. */
  readonly code: string | undefined;

  constructor(method: string, path: string, status: number, code: string | undefined, detail: string) {
    super(`${method} ${path}: HTTP ${status}${code === undefined ? "" : ` ${code}`}: ${detail}`);
    this.status = status;
    this.code = code;
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

  async function call<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
    const url = new URL(path, root);
    const headers = new Headers({ Accept: "application/json" });
    if (authorization !== undefined) headers.set("Authorization", authorization);
    if (body !== undefined) headers.set("Content-Type", "application/json");
    const response = await send(
      new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
    );
    const text = await response.text();
    if (!response.ok) {
      const { code, message } = firstError(text);
      throw new MockControlError(method, url.pathname, response.status, code, message ?? text.slice(0, 200));
    }
    return JSON.parse(text) as T;
  }

  const clockMove = (answer: { now: string; clockOffsetMs: number }): ClockMove => ({
    now: new Date(answer.now),
    clockOffsetMs: answer.clockOffsetMs,
  });

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
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(filter)) {
        if (value !== undefined) query.set(name, String(value));
      }
      const suffix = query.size > 0 ? `?${query}` : "";
      return (await call<{ requests: JournalEntry[] }>("GET", `requests${suffix}`)).requests;
    },
    fault: (rule) => call<ActiveFault>("POST", "faults", rule),
    async faults() {
      return (await call<{ faults: ActiveFault[] }>("GET", "faults")).faults;
    },
    async clearFaults() {
      return (await call<{ cleared: number }>("DELETE", "faults")).cleared;
    },
    state: () => call<MockStateSnapshot>("GET", "state"),
    setFixtures: (fixtures) => call("PUT", "fixtures", fixtures),
  };
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
