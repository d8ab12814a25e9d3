/**
 * The shapes the control API (`/__mock/*`) answers with, as the testing helpers return them.
 * Journal entries are the mock's own type; the state snapshot and the fault rule are spelled out
 * here because the control API builds the one inline and the other is narrower here than the
 * registry's (a test checks the snapshot agrees).
 *
 * Dates: every instant the control client returns is an ISO 8601 string in UTC with milliseconds,
 * as `Date#toISOString()` writes it (`2026-11-25T13:00:00.000Z`); `new Date(text)` reads it back.
 * Headers kept in the journal are as they were sent (`X-RateLimit-Resource-Until` is an HTTP date there).
 */
import type { components } from "../generated/schema.js";
import type { CreateChatErrorStatus } from "../client/index.js";
import type { ActiveFault as RegistryFault, FaultMatch } from "../mock/state/faults.js";
import type { ChatSnapshot, MessageSnapshot } from "../mock/control/control-chats.js";
import type { StoreModel } from "../mock/index.js";

export type { FaultMatch } from "../mock/state/faults.js";
export type { JournalEntry, JournalFilter } from "../mock/state/journal.js";
export type { ChatSnapshot, MessageSnapshot } from "../mock/control/control-chats.js";
export type { ChatCustomer, ChatStatus, ChatType, MessageSender } from "../mock/state/chats.js";
export type { Fixtures } from "../mock/index.js";

/** An ISO 8601 instant in UTC with milliseconds, e.g. `2026-11-25T13:00:00.000Z`. */
export type IsoInstant = string;

/**
 * Which 420 a fault imitates:
 * - `hourly`: a spent quota, `Hit rate limit of N requests per 1h for businessId B; retry after …`,
 *   `X-RateLimit-Resource-Remaining: 0` and `-Until` the window's end;
 * - `parallel`: the in-flight limit, `Hit rate limit of N parallel requests for businessId B`, with
 *   the business's live rate-limit headers (Remaining normally above 0).
 */
export type FaultKind = "hourly" | "parallel";

/** The statuses a fault may answer with: the contract's error statuses. */
export type FaultStatus = CreateChatErrorStatus;

interface FaultRuleBase {
  /** How many matching requests get the fault: an integer >= 1. Default: until cleared. */
  times?: number;
  /** Which requests it applies to; absent fields match any. Default: every request. */
  match?: FaultMatch;
  /** Wait this long (ms, 0 to 60,000) before answering. Default: 0. */
  delayMs?: number;
}

/** A fault as `POST /__mock/faults` takes it; `kind` only with status 420. */
export type FaultRule =
  | (FaultRuleBase & {
      status: 420;
      /** Which 420 to imitate. Default: `hourly`. */
      kind?: FaultKind;
    })
  | (FaultRuleBase & { status: Exclude<FaultStatus, 420>; kind?: never });

/** A fault in force, as the control API lists it; a 420 fault says which kind it imitates. */
export type ActiveFault = RegistryFault & { kind?: FaultKind };

/** A quota window of one business; null before the business's first counted request. */
export interface QuotaWindowSnapshot {
  used: number;
  remaining: number;
  /** When the window ends, rounded up to the second as `X-RateLimit-Resource-Until` says it. */
  until: IsoInstant | null;
  windowStart: IsoInstant | null;
}

/** One business in `GET /__mock/state`. */
export interface BusinessSnapshot {
  businessId: number;
  model: StoreModel;
  /** The quota window of the first operation, createChat (`quotas` has every operation's). */
  quota: QuotaWindowSnapshot;
  /** The quota window of each operation, by operationId. */
  quotas: Record<string, QuotaWindowSnapshot>;
  /** Requests of the business in flight now. */
  inFlight: number;
  /** The business's chats, oldest first (`messages`: how many each holds). */
  chats: Array<Omit<ChatSnapshot, "businessId">>;
}

/** A chat with the messages it holds, oldest first: `GET /__mock/chats/{chatId}`. */
export interface ChatWithMessages extends ChatSnapshot {
  messageList: MessageSnapshot[];
}

/** What posting a message through the control API answers: the message, and the chat after it. */
export interface PostedMessage {
  message: MessageSnapshot;
  chat: ChatSnapshot;
}

/** A message the control API posts as the other side of the chat: a text, a file, or both. */
export interface ControlMessage {
  /** Who writes: the customer, the marketplace's automatic messages (`MARKET`), or its support. */
  sender: Exclude<components["schemas"]["ChatMessageSender"], "PARTNER">;
  /** 1 to 4,096 characters, as sendMessageToChat's. */
  message?: string;
  /** A file: its name, its kind (default: from the name's extension) and its bytes (text is sent as UTF-8). */
  file?: { name: string; mediaType?: string; content: Uint8Array | string };
}

/** One operation's quota as the control API sets it. */
export interface OperationQuota {
  operationId: string;
  limit: number;
  windowMs: number;
}

/** `GET /__mock/state`: the mock's clock, quota settings, businesses and faults. */
export interface MockStateSnapshot {
  /** The mock's (virtual) time. */
  now: IsoInstant;
  /** How far the virtual clock is from the real one, in ms. */
  clockOffsetMs: number;
  /** The quota of the first operation, createChat. */
  quota: { limit: number; windowMs: number };
  /** The quota of each operation, by operationId. */
  operations: Record<string, { limit: number; windowMs: number }>;
  businesses: BusinessSnapshot[];
  faults: ActiveFault[];
  parallel: { limit: number | null };
  /** Request-log records dropped because the log's reader was gone or too slow. */
  log: { dropped: number };
}

/** What `POST /__mock/clock` answers: the new virtual time. */
export interface ClockMove {
  /** The mock's time after the move. */
  now: IsoInstant;
  clockOffsetMs: number;
}
