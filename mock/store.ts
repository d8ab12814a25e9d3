/**
 * The chats the mock has created so far. createChat is idempotent per context: the same
 * business asking again about the same order or return gets the chat it already has.
 */

/** What a chat is about. */
export type ContextType = "ORDER" | "RETURN";

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
}

function assertId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got ${value}`);
  }
}

/**
 * Create an empty chat store. Chat ids are deterministic so tests can assert them:
 * the first new chat gets `firstChatId`, each later new chat the next integer.
 * Records handed out are frozen: callers cannot change the store's state through them.
 *
 * @param options.firstChatId id of the first chat (and of the first after `reset()`); default 1.
 * @example
 * const store = createChatStore();
 * store.openChat(1001, { type: "ORDER", id: 11001 }, Date.now()).chat.chatId // 1
 * store.openChat(1001, { type: "ORDER", id: 11001 }, Date.now()).created     // false
 */
export function createChatStore(options: { firstChatId?: number } = {}): ChatStore {
  const firstChatId = options.firstChatId ?? 1;
  assertId(firstChatId, "firstChatId");

  let nextChatId = firstChatId;
  let byKey = new Map<string, ChatRecord>();
  let ordered: ChatRecord[] = [];

  return {
    openChat(businessId, context, atEpochMs) {
      assertId(businessId, "businessId");
      assertId(context.id, "context.id");
      if (context.type !== "ORDER" && context.type !== "RETURN") {
        throw new RangeError(`context.type must be ORDER or RETURN, got ${String(context.type)}`);
      }
      const key = `${businessId}/${context.type}/${context.id}`;
      const existing = byKey.get(key);
      if (existing !== undefined) return { chat: existing, created: false };

      assertId(nextChatId, "next chatId");
      const chat: ChatRecord = Object.freeze({
        chatId: nextChatId,
        businessId,
        context: Object.freeze({ type: context.type, id: context.id }),
        createdAt: new Date(atEpochMs).toISOString(),
      });
      nextChatId += 1;
      byKey.set(key, chat);
      ordered.push(chat);
      return { chat, created: true };
    },

    list(businessId) {
      return businessId === undefined ? [...ordered] : ordered.filter((chat) => chat.businessId === businessId);
    },

    reset() {
      nextChatId = firstChatId;
      byKey = new Map();
      ordered = [];
    },
  };
}
