/**
 * The chats the mock has created so far. createChat is idempotent per context: the same
 * business asking again about the same order or return gets the chat it already has.
 * The store is bounded (`maxChats`): past the cap, the chat used least recently is forgotten,
 * so a mock left running under load keeps flat memory while recent chats stay idempotent.
 */

import { chatContextTypeValues, type components } from "../../generated/schema.js";
import { isoInstant } from "./clock.js";

/** What a chat is about (the contract's `ChatContextType`). */
export type ContextType = components["schemas"]["ChatContextType"];

/** The order or return a chat is about. */
export interface ChatContextKey {
  type: ContextType;
  id: number;
}

/** One chat the mock has created. */
export interface ChatRecord {
  chatId: number;
  businessId: number;
  context: ChatContextKey;
  /** When the chat was first opened, ISO 8601 (UTC). */
  createdAt: string;
}

/** In-memory chat state of one mock instance. */
export interface ChatStore {
  /** The chat for this business and context: the existing one, or a new one with the next chatId. */
  openChat(businessId: number, context: ChatContextKey, atEpochMs: number): { chat: ChatRecord; created: boolean };
  /** Chats in creation order, all of them or one business's. */
  list(businessId?: number): ChatRecord[];
  /** Forget every chat; also restarts chatId numbering. */
  reset(): void;
  /** Chats held now (at most `maxChats`). */
  size(): number;
  /** The most chats held at once; one more forgets the least recently used. */
  readonly maxChats: number;
}

/** Options of {@link createChatStore}. */
export interface ChatStoreOptions {
  /** Id of the first chat (and of the first after `reset()`). Default 1. */
  firstChatId?: number;
  /**
   * The most chats kept at once, an integer >= 1. Default {@link DEFAULT_MAX_CHATS}. When a new
   * chat would exceed it, the chat opened or asked for least recently is forgotten: asking for
   * that context again then creates a new chat with a new chatId.
   */
  maxChats?: number;
}

/**
 * Default cap of the chat store, like the journal's: far more contexts than a test suite touches
 * (the demo data has 75), small enough (a few MB) that a mock under a long load test over
 * generated fixtures keeps flat, small memory.
 */
export const DEFAULT_MAX_CHATS = 10_000;

function assertId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got ${value}`);
  }
}

/**
 * Create an empty chat store. Chat ids are deterministic so tests can assert them:
 * the first new chat gets `firstChatId`, each later new chat the next integer (ids of forgotten
 * chats are never reused). Records handed out are frozen: callers cannot change the store's
 * state through them.
 *
 * @param options.firstChatId id of the first chat (and of the first after `reset()`); default 1.
 * @param options.maxChats chats kept at once, least recently used forgotten first; default {@link DEFAULT_MAX_CHATS}.
 * @example
 * const store = createChatStore();
 * store.openChat(1001, { type: "ORDER", id: 11001 }, Date.now()).chat.chatId // 1
 * store.openChat(1001, { type: "ORDER", id: 11001 }, Date.now()).created     // false
 */
export function createChatStore(options: ChatStoreOptions = {}): ChatStore {
  const firstChatId = options.firstChatId ?? 1;
  const maxChats = options.maxChats ?? DEFAULT_MAX_CHATS;
  assertId(firstChatId, "firstChatId");
  if (!Number.isSafeInteger(maxChats) || maxChats < 1) {
    throw new RangeError(`maxChats must be an integer >= 1, got ${String(maxChats)}`);
  }

  let nextChatId = firstChatId;
  // A Map iterates in insertion order; re-inserting a chat on every use keeps the least recently
  // used one first, so eviction is O(1): delete the first key.
  let byKey = new Map<string, ChatRecord>();
  // Per business, so GET /__mock/state lists one business's chats without walking all of them.
  let byBusiness = new Map<number, Map<string, ChatRecord>>();

  const forget = (key: string, chat: ChatRecord): void => {
    byKey.delete(key);
    const mine = byBusiness.get(chat.businessId);
    mine?.delete(key);
    if (mine?.size === 0) byBusiness.delete(chat.businessId);
  };
  const byCreation = (a: ChatRecord, b: ChatRecord) => a.chatId - b.chatId;

  return {
    maxChats,
    openChat(businessId, context, atEpochMs) {
      assertId(businessId, "businessId");
      assertId(context.id, "context.id");
      if (!chatContextTypeValues.includes(context.type)) {
        throw new RangeError(`context.type must be one of ${chatContextTypeValues.join(", ")}, got ${String(context.type)}`);
      }
      const key = `${businessId}/${context.type}/${context.id}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        byKey.delete(key);
        byKey.set(key, existing);
        return { chat: existing, created: false };
      }

      assertId(nextChatId, "next chatId");
      const chat: ChatRecord = Object.freeze({
        chatId: nextChatId,
        businessId,
        context: Object.freeze({ type: context.type, id: context.id }),
        createdAt: isoInstant(atEpochMs),
      });
      nextChatId += 1;
      if (byKey.size >= maxChats) {
        const [oldestKey, oldest] = byKey.entries().next().value as [string, ChatRecord];
        forget(oldestKey, oldest);
      }
      byKey.set(key, chat);
      let mine = byBusiness.get(businessId);
      if (mine === undefined) byBusiness.set(businessId, (mine = new Map()));
      mine.set(key, chat);
      return { chat, created: true };
    },

    list(businessId) {
      const chats = businessId === undefined ? [...byKey.values()] : [...(byBusiness.get(businessId)?.values() ?? [])];
      return chats.sort(byCreation);
    },

    reset() {
      nextChatId = firstChatId;
      byKey = new Map();
      byBusiness = new Map();
    },

    size: () => byKey.size,
  };
}
