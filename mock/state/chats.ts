/**
 * The chats the mock holds and their messages: one world for every chat operation. createChat is
 * idempotent per context (the same business asking again about the same order or return gets the
 * chat it already has); DIRECT chats are opened only by fixtures' owners through the control API.
 * A message moves the chat's status (state/chat-status.ts) and its `updatedAt`, in the same step.
 *
 * Everything is bounded: past `maxChats` the chat used least recently is forgotten with its
 * messages; a chat keeps its newest `maxMessagesPerChat` messages and the store its newest
 * `maxMessages` over all chats; file bytes are kept only while small and few (state/kept-files.ts).
 */

import { createHash } from "node:crypto";
import { chatContextTypeValues, type components } from "../../generated/schema.js";
import { isoInstant } from "./clock.js";
import { CLOSED_STATUS, DISPUTE_STATUS, OPENING_STATUS, statusAfterMessage, type ChatStatus, type ChatType, type MessageSender } from "./chat-status.js";
import { createKeptFiles, type KeptFilesOptions } from "./kept-files.js";

export type { ChatStatus, ChatType, MessageSender } from "./chat-status.js";

/** What createChat's chat is about (the contract's `ChatContextType`). */
export type ContextType = components["schemas"]["ChatContextType"];
/** What any chat is about, DIRECT included (the contract's `ChatFullContextType`). */
export type FullContextType = components["schemas"]["ChatFullContextType"];
export type ChatCustomer = components["schemas"]["ChatCustomer"];

/** The order or return a chat is about. */
export interface ChatContextKey {
  type: ContextType;
  id: number;
}

/** A chat the customer started, about nothing in particular. */
export interface DirectContext {
  type: "DIRECT";
  /** A direct chat is about no order or return (the field is here so `context.id` reads on any chat). */
  id?: undefined;
}

/** One chat. Records handed out are frozen snapshots; a change makes a new one. */
export interface ChatRecord {
  chatId: number;
  businessId: number;
  context: ChatContextKey | DirectContext;
  type: ChatType;
  status: ChatStatus;
  /** The customer, when known (DIRECT chats opened with one). */
  customer?: ChatCustomer;
  /** When the chat was first opened, ISO 8601 (UTC). */
  createdAt: string;
  /** When its last message was sent, or createdAt; ISO 8601 (UTC). */
  updatedAt: string;
}

/** A file of a message: its metadata and digest always, its bytes only while kept. */
export interface FileRecord {
  fileId: number;
  name: string;
  /** The media type it was judged by. */
  mediaType: string;
  size: number;
  /** SHA-256 of its bytes, lower-case hex. */
  sha256: string;
}

/** One message of a chat. */
export interface MessageRecord {
  messageId: number;
  chatId: number;
  sender: MessageSender;
  /** ISO 8601 (UTC). */
  createdAt: string;
  text?: string;
  files?: readonly FileRecord[];
}

/** A file to add to a message. */
export interface FileInput {
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}

/** A message to add to a chat: a text, files, or both. */
export interface MessageInput {
  sender: MessageSender;
  text?: string;
  files?: readonly FileInput[];
}

/** Which chats getChats lists: every filter given must match; within one, any value. */
export interface ChatFilter {
  contexts?: readonly ChatContextKey[];
  contextTypes?: readonly FullContextType[];
  types?: readonly ChatType[];
  statuses?: readonly ChatStatus[];
}

/** One page of a listing: the items, and whether more follow the last one. */
export interface Page<T> {
  items: T[];
  more: boolean;
}

export type PostOutcome = { ok: true; chat: ChatRecord; message: MessageRecord } | { ok: false; reason: "not-found" | "finished"; chat?: ChatRecord };

/** The chats and messages of one mock instance. */
export interface ChatStore {
  /** The chat for this business and context: the existing one, or a new one with the next chatId. */
  openChat(businessId: number, context: ChatContextKey, atEpochMs: number): { chat: ChatRecord; created: boolean };
  /** A new DIRECT chat of the business: each call opens another (the control API's; createChat cannot). */
  openDirectChat(businessId: number, atEpochMs: number, customer?: ChatCustomer): ChatRecord;
  /** The chat, if it is this business's; a chat of another business is not found either. */
  chat(businessId: number, chatId: number): ChatRecord | undefined;
  /** The chat, whichever business has it (for the control API). */
  chatById(chatId: number): ChatRecord | undefined;
  /** Sets the chat's type and/or status (control API); becoming ARBITRAGE without a status waits for the arbiter. */
  updateChat(chatId: number, change: { type?: ChatType; status?: ChatStatus }): ChatRecord | undefined;
  /** Adds a message and moves the chat's status and updatedAt, in one step; a FINISHED chat refuses. */
  postMessage(chatId: number, input: MessageInput, atEpochMs: number): PostOutcome;
  /** The chat's message with this id, if it still holds it. */
  message(chatId: number, messageId: number): MessageRecord | undefined;
  /** The chat's messages from `fromMessageId` (inclusive) or after `afterMessageId`, oldest first, at most `limit`. */
  messages(chatId: number, page: { fromMessageId?: number; afterMessageId?: number; limit: number }): Page<MessageRecord>;
  /** The business's chats matching `filter` with a chatId above `afterChatId`, oldest first, at most `limit`. */
  findChats(businessId: number, filter: ChatFilter, page: { afterChatId?: number; limit: number }): Page<ChatRecord>;
  /** A file's metadata and, while kept, its bytes. */
  file(fileId: number): { file: FileRecord; chatId: number; bytes?: Uint8Array } | undefined;
  /** How many messages the chat holds now. */
  messageCount(chatId: number): number;
  /** Chats in creation order, all of them or one business's. */
  list(businessId?: number): ChatRecord[];
  /** Forget every chat and message; also restarts chat, message and file numbering. */
  reset(): void;
  /** Chats held now (at most `maxChats`). */
  size(): number;
  /** Messages held now, over every chat (at most `maxMessages`). */
  messagesHeld(): number;
  /** File bytes kept now. */
  fileBytesKept(): number;
  /** The most chats held at once; one more forgets the least recently used. */
  readonly maxChats: number;
  readonly maxMessagesPerChat: number;
  readonly maxMessages: number;
  readonly keepFileBytes: number;
  readonly maxKeptFileBytes: number;
}

/** Options of {@link createChatStore}. */
export interface ChatStoreOptions extends KeptFilesOptions {
  /** Id of the first chat (and of the first after `reset()`). Default 1. */
  firstChatId?: number;
  /**
   * The most chats kept at once, an integer >= 1. Default {@link DEFAULT_MAX_CHATS}. When a new
   * chat would exceed it, the chat opened or used least recently is forgotten with its messages:
   * asking for that context again then creates a new chat with a new chatId.
   */
  maxChats?: number;
  /** Messages a chat keeps, its newest; >= 1. Default {@link DEFAULT_MAX_MESSAGES_PER_CHAT}. */
  maxMessagesPerChat?: number;
  /** Messages kept over all chats, the newest; >= 1. Default {@link DEFAULT_MAX_MESSAGES}. */
  maxMessages?: number;
}

/**
 * Default cap of the chat store, like the journal's: far more contexts than a test suite touches
 * (the demo data has 75), small enough (a few MB) that a mock under a long load test over
 * generated fixtures keeps flat, small memory.
 */
export const DEFAULT_MAX_CHATS = 10_000;
/** Default: a chat keeps its newest 1,000 messages (ten full pages of getChatHistory). */
export const DEFAULT_MAX_MESSAGES_PER_CHAT = 1_000;
/**
 * Default: 20,000 messages over every chat. A message holds at most 4,096 characters, so the
 * texts take at most about 160 MB, and a few MB in any real test.
 */
export const DEFAULT_MAX_MESSAGES = 20_000;

function assertId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got ${value}`);
  }
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be an integer >= 1, got ${String(value)}`);
}

/** A chat's place in the store: its record, its key in the LRU order and its messages, oldest first. */
interface Held {
  chat: ChatRecord;
  key: string;
  messages: MessageRecord[];
}

/** The index of the first message with an id >= `id` (messages are in id order). */
function firstAtOrAfter(messages: readonly MessageRecord[], id: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((messages[middle] as MessageRecord).messageId < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

const sameContext = (a: ChatRecord["context"], b: ChatContextKey) => a.type === b.type && a.id === b.id;

function matches(chat: ChatRecord, filter: ChatFilter): boolean {
  if (filter.contexts !== undefined && !filter.contexts.some((c) => sameContext(chat.context, c))) return false;
  if (filter.contextTypes !== undefined && !filter.contextTypes.includes(chat.context.type)) return false;
  if (filter.types !== undefined && !filter.types.includes(chat.type)) return false;
  if (filter.statuses !== undefined && !filter.statuses.includes(chat.status)) return false;
  return true;
}

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Create an empty chat store. Ids are deterministic so tests can assert them: chats, messages and
 * files are each numbered from 1 (chats from `firstChatId`) in the order they are made, and ids
 * of forgotten ones are never reused. Records handed out are frozen.
 *
 * @example
 * const store = createChatStore();
 * store.openChat(1001, { type: "ORDER", id: 11001 }, Date.now()).chat.chatId // 1
 * store.postMessage(1, { sender: "PARTNER", text: "Hello" }, Date.now()).ok   // true; the chat now waits for the customer
 */
export function createChatStore(options: ChatStoreOptions = {}): ChatStore {
  const firstChatId = options.firstChatId ?? 1;
  const maxChats = options.maxChats ?? DEFAULT_MAX_CHATS;
  const maxMessagesPerChat = options.maxMessagesPerChat ?? DEFAULT_MAX_MESSAGES_PER_CHAT;
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  assertId(firstChatId, "firstChatId");
  if (!Number.isSafeInteger(maxChats) || maxChats < 1) {
    throw new RangeError(`maxChats must be an integer >= 1, got ${String(maxChats)}`);
  }
  assertCount(maxMessagesPerChat, "maxMessagesPerChat");
  assertCount(maxMessages, "maxMessages");
  const kept = createKeptFiles(options);

  let nextChatId = firstChatId;
  let nextMessageId = 1;
  let nextFileId = 1;
  // A Map iterates in insertion order; re-inserting a chat on every use keeps the least recently
  // used one first, so eviction is O(1): delete the first key.
  let byKey = new Map<string, Held>();
  let byId = new Map<number, Held>();
  // Per business, in creation (= chatId) order, so a business's chats are listed without walking all of them.
  let byBusiness = new Map<number, Map<number, Held>>();
  // Every message held, oldest first, to its chat: the oldest over all chats goes first past maxMessages.
  let messageOrder = new Map<number, number>();
  let files = new Map<number, { file: FileRecord; chatId: number }>();

  const touch = (held: Held): void => {
    byKey.delete(held.key);
    byKey.set(held.key, held);
  };

  const dropMessage = (message: MessageRecord): void => {
    messageOrder.delete(message.messageId);
    for (const file of message.files ?? []) {
      files.delete(file.fileId);
      kept.forget(file.fileId);
    }
  };

  const forget = (held: Held): void => {
    byKey.delete(held.key);
    byId.delete(held.chat.chatId);
    const mine = byBusiness.get(held.chat.businessId);
    mine?.delete(held.chat.chatId);
    if (mine?.size === 0) byBusiness.delete(held.chat.businessId);
    for (const message of held.messages) dropMessage(message);
  };

  const hold = (key: string, chat: ChatRecord): Held => {
    if (byKey.size >= maxChats) forget(byKey.values().next().value as Held);
    const held: Held = { chat, key, messages: [] };
    byKey.set(key, held);
    byId.set(chat.chatId, held);
    let mine = byBusiness.get(chat.businessId);
    if (mine === undefined) byBusiness.set(chat.businessId, (mine = new Map()));
    mine.set(chat.chatId, held);
    return held;
  };

  const newChat = (businessId: number, context: ChatRecord["context"], atEpochMs: number, customer?: ChatCustomer): ChatRecord => {
    assertId(nextChatId, "next chatId");
    const at = isoInstant(atEpochMs);
    const chat: ChatRecord = {
      chatId: nextChatId,
      businessId,
      context: Object.freeze({ ...context }),
      type: "CHAT",
      status: OPENING_STATUS,
      createdAt: at,
      updatedAt: at,
    };
    if (customer !== undefined) chat.customer = Object.freeze({ ...customer });
    nextChatId += 1;
    return Object.freeze(chat);
  };

  const replace = (held: Held, change: Partial<ChatRecord>): ChatRecord => {
    held.chat = Object.freeze({ ...held.chat, ...change });
    return held.chat;
  };

  return {
    maxChats,
    maxMessagesPerChat,
    maxMessages,
    keepFileBytes: kept.keepFileBytes,
    maxKeptFileBytes: kept.maxKeptFileBytes,

    openChat(businessId, context, atEpochMs) {
      assertId(businessId, "businessId");
      assertId(context.id, "context.id");
      if (!chatContextTypeValues.includes(context.type)) {
        throw new RangeError(`context.type must be one of ${chatContextTypeValues.join(", ")}, got ${String(context.type)}`);
      }
      const key = `${businessId}/${context.type}/${context.id}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        touch(existing);
        return { chat: existing.chat, created: false };
      }
      const chat = newChat(businessId, { type: context.type, id: context.id }, atEpochMs);
      hold(key, chat);
      return { chat, created: true };
    },

    openDirectChat(businessId, atEpochMs, customer) {
      assertId(businessId, "businessId");
      const chat = newChat(businessId, { type: "DIRECT" }, atEpochMs, customer);
      hold(`${businessId}/DIRECT/${chat.chatId}`, chat);
      return chat;
    },

    chat(businessId, chatId) {
      const held = byId.get(chatId);
      if (held === undefined || held.chat.businessId !== businessId) return undefined;
      touch(held);
      return held.chat;
    },

    chatById: (chatId) => byId.get(chatId)?.chat,

    updateChat(chatId, change) {
      const held = byId.get(chatId);
      if (held === undefined) return undefined;
      const type = change.type ?? held.chat.type;
      const becomesDispute = type === "ARBITRAGE" && held.chat.type !== "ARBITRAGE";
      const status = change.status ?? (becomesDispute ? DISPUTE_STATUS : held.chat.status);
      touch(held);
      return replace(held, { type, status });
    },

    postMessage(chatId, input, atEpochMs) {
      const held = byId.get(chatId);
      if (held === undefined) return { ok: false, reason: "not-found" };
      if (held.chat.status === CLOSED_STATUS) return { ok: false, reason: "finished", chat: held.chat };
      const at = isoInstant(atEpochMs);
      const message: MessageRecord = { messageId: nextMessageId++, chatId, sender: input.sender, createdAt: at };
      if (input.text !== undefined) message.text = input.text;
      if (input.files !== undefined && input.files.length > 0) {
        message.files = Object.freeze(
          input.files.map((f) => {
            const file: FileRecord = Object.freeze({ fileId: nextFileId++, name: f.name, mediaType: f.mediaType, size: f.bytes.byteLength, sha256: digestOf(f.bytes) });
            files.set(file.fileId, { file, chatId });
            kept.keep(file.fileId, f.bytes);
            return file;
          }),
        );
      }
      Object.freeze(message);
      held.messages.push(message);
      messageOrder.set(message.messageId, chatId);
      if (held.messages.length > maxMessagesPerChat) dropMessage(held.messages.shift() as MessageRecord);
      while (messageOrder.size > maxMessages) {
        // The oldest message over all chats is the oldest of its chat: messages are appended in id order.
        const [, oldestChat] = messageOrder.entries().next().value as [number, number];
        dropMessage((byId.get(oldestChat) as Held).messages.shift() as MessageRecord);
      }
      touch(held);
      const chat = replace(held, { status: statusAfterMessage(held.chat.type, held.chat.status, input.sender), updatedAt: at });
      return { ok: true, chat, message };
    },

    message(chatId, messageId) {
      const messages = byId.get(chatId)?.messages;
      if (messages === undefined) return undefined;
      const found = messages[firstAtOrAfter(messages, messageId)];
      return found?.messageId === messageId ? found : undefined;
    },

    messages(chatId, { fromMessageId, afterMessageId, limit }) {
      const messages = byId.get(chatId)?.messages ?? [];
      const start = afterMessageId !== undefined ? firstAtOrAfter(messages, afterMessageId + 1) : fromMessageId !== undefined ? firstAtOrAfter(messages, fromMessageId) : 0;
      const items = messages.slice(start, start + limit);
      return { items, more: start + limit < messages.length };
    },

    findChats(businessId, filter, { afterChatId, limit }) {
      const items: ChatRecord[] = [];
      let more = false;
      for (const held of byBusiness.get(businessId)?.values() ?? []) {
        if (afterChatId !== undefined && held.chat.chatId <= afterChatId) continue;
        if (!matches(held.chat, filter)) continue;
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(held.chat);
      }
      return { items, more };
    },

    file(fileId) {
      const found = files.get(fileId);
      if (found === undefined) return undefined;
      const bytes = kept.bytes(fileId);
      return bytes === undefined ? { ...found } : { ...found, bytes };
    },

    messageCount: (chatId) => byId.get(chatId)?.messages.length ?? 0,

    list(businessId) {
      if (businessId !== undefined) return [...(byBusiness.get(businessId)?.values() ?? [])].map((h) => h.chat);
      return [...byId.values()].map((h) => h.chat).sort((a, b) => a.chatId - b.chatId);
    },

    reset() {
      nextChatId = firstChatId;
      nextMessageId = 1;
      nextFileId = 1;
      byKey = new Map();
      byId = new Map();
      byBusiness = new Map();
      messageOrder = new Map();
      files = new Map();
      kept.clear();
    },

    size: () => byKey.size,
    messagesHeld: () => messageOrder.size,
    fileBytesKept: () => kept.size(),
  };
}
