/**
 * The names of the mock's keys in Redis, all under one prefix so two mocks can share a server.
 * The prefix is a hash tag (`{prefix}:…`): every key of one mock lands in one hash slot, so each
 * script may touch any of them on a Redis Cluster as well, and two prefixes spread over the slots.
 * Only fixed names: no key is made per business, chat or message but the in-flight leases (which
 * expire by themselves), so `reset` knows every key it has to delete.
 */

/** Every key of one mock. */
export interface StoreKeys {
  readonly prefix: string;
  /** The settings every replica must agree on (JSON), written by the first replica. */
  readonly config: string;
  /** The clock's offset from the base time, in ms (an integer; absent = 0). */
  readonly clock: string;
  /** The fixtures in force (JSON), the starting ones (JSON), and a version bumped on each change. */
  readonly fixtures: string;
  readonly startFixtures: string;
  readonly fixturesVersion: string;
  /** Quota limits set through the control API: operationId → `limit:windowMs` (absent = the starting ones). */
  readonly quotaLimits: string;
  /** Per operation: a hash businessId → `used:windowStart:until`, and a sorted set of window ends for cleanup. */
  quota(operationId: string): string;
  quotaEnds(operationId: string): string;
  /** Per business: a sorted set of in-flight leases, scored by when each expires (Redis time, ms). */
  inFlight(businessId: number): string;
  /** Chats: chatId → the record's fixed part (JSON), chatId → `type status updatedAt businessId contextKey`. */
  readonly chatRecords: string;
  readonly chatStates: string;
  /** Context key (`businessId/TYPE/id`, `businessId/DIRECT/chatId`) → chatId. */
  readonly chatsByContext: string;
  /** `%016d(businessId):%016d(chatId)`, all of score 0: a business's chats in chatId order, by name. */
  readonly chatsByBusiness: string;
  /** chatId scored by its last use, the least recently used first; and the use counter. */
  readonly chatsByUse: string;
  readonly chatTick: string;
  readonly chatSequence: string;
  /** Messages: messageId → JSON; `%016d(chatId):%016d(messageId)` by name (a chat's in order) and scored by messageId (all, oldest first). */
  readonly messageRecords: string;
  readonly messagesByChat: string;
  readonly messageOrder: string;
  /** messageId → its files' ids, space-separated (messages with files only). */
  readonly messageFiles: string;
  readonly messageSequence: string;
  /** Files: fileId → `chatId <file JSON>`; the kept bytes by fileId, kept fileIds (oldest first) and their total. */
  readonly fileRecords: string;
  readonly fileBytes: string;
  readonly filesKept: string;
  readonly fileBytesKept: string;
  readonly fileSequence: string;
  /** Faults: id → rule (JSON), id → match (tab-separated), id → remaining (-1 = until cleared), id → hits, ids in order, the id counter. */
  readonly faultRules: string;
  readonly faultMatches: string;
  readonly faultRemaining: string;
  readonly faultHits: string;
  readonly faultOrder: string;
  readonly faultSequence: string;
  /** The journal: a stream whose entry ids are the journal's ids, their counter, the bytes held, and amended answers by id. */
  readonly journal: string;
  readonly journalSequence: string;
  readonly journalBytes: string;
  readonly journalAmended: string;
  /** The channel on which a replica tells the others that the clock, the fixtures or a quota moved. */
  readonly events: string;
}

export function storeKeys(prefix: string): StoreKeys {
  const key = (name: string) => `{${prefix}}:${name}`;
  return {
    prefix,
    config: key("config"),
    clock: key("clock"),
    fixtures: key("fixtures"),
    startFixtures: key("fixtures:start"),
    fixturesVersion: key("fixtures:version"),
    quotaLimits: key("quota-limits"),
    quota: (operationId) => key(`quota:${operationId}`),
    quotaEnds: (operationId) => key(`quota-ends:${operationId}`),
    inFlight: (businessId) => key(`in-flight:${businessId}`),
    chatRecords: key("chats:records"),
    chatStates: key("chats:states"),
    chatsByContext: key("chats:by-context"),
    chatsByBusiness: key("chats:by-business"),
    chatsByUse: key("chats:by-use"),
    chatTick: key("chats:tick"),
    chatSequence: key("chats:sequence"),
    messageRecords: key("messages:records"),
    messagesByChat: key("messages:by-chat"),
    messageOrder: key("messages:order"),
    messageFiles: key("messages:files"),
    messageSequence: key("messages:sequence"),
    fileRecords: key("files:records"),
    fileBytes: key("files:bytes"),
    filesKept: key("files:kept"),
    fileBytesKept: key("files:kept-bytes"),
    fileSequence: key("files:sequence"),
    faultRules: key("faults:rules"),
    faultMatches: key("faults:matches"),
    faultRemaining: key("faults:remaining"),
    faultHits: key("faults:hits"),
    faultOrder: key("faults:order"),
    faultSequence: key("faults:sequence"),
    journal: key("journal"),
    journalSequence: key("journal:sequence"),
    journalBytes: key("journal:bytes"),
    journalAmended: key("journal:amended"),
    events: key("events"),
  };
}
