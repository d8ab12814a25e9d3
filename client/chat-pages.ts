/**
 * Async iterators over the pages of getChats and getChatHistory: each step is one request, its
 * page yielded as the typed success; the walk ends on the page without a `nextPageToken`. A
 * declared error answer ends it with a {@link PageFailedError} (a 420 from the rate-limit guard
 * arrives as its RateLimitError), and a server that hands the same token back twice with an
 * {@link UnexpectedResponseError}, so a walk can never loop.
 */
import type { ApiFailure, ChatOperationId } from "./api-answer.js";
import type { MarketClient } from "./create-market-client.js";
import { getChatHistory, type GetChatHistorySuccess, type HistoryOptions } from "./get-chat-history.js";
import { getChats, type GetChatsFilter, type GetChatsSuccess } from "./get-chats.js";
import { UnexpectedResponseError } from "./unexpected-response-error.js";

/** A page of a walk was refused; `failure` is its typed answer, `pagesRead` how many came before it. */
export class PageFailedError<Op extends ChatOperationId = ChatOperationId> extends Error {
  override readonly name = "PageFailedError";
  readonly failure: ApiFailure<Op>;
  readonly pagesRead: number;

  constructor(operationId: Op, failure: ApiFailure<Op>, pagesRead: number) {
    const first = failure.errors[0];
    super(`${operationId}: page ${pagesRead + 1} was answered ${String(failure.status)}${first ? ` ${first.code}: ${first.message ?? ""}` : ""}`);
    this.failure = failure;
    this.pagesRead = pagesRead;
  }
}

async function* walk<S extends { ok: true; nextPageToken?: string }, Op extends ChatOperationId>(
  operationId: Op,
  firstToken: string | undefined,
  fetchPage: (pageToken: string | undefined) => Promise<S | ApiFailure<Op>>,
): AsyncGenerator<S, void, undefined> {
  const seen = new Set<string>();
  let token = firstToken;
  for (let pages = 0; ; pages++) {
    const page = await fetchPage(token);
    if (!page.ok) throw new PageFailedError(operationId, page, pages);
    yield page;
    const next = page.nextPageToken;
    if (next === undefined) return;
    if (seen.has(next)) throw new UnexpectedResponseError(200, `${operationId} handed back the page token of an earlier page; the walk stops rather than loop`, next);
    seen.add(next);
    token = next;
  }
}

/**
 * Every page of the chats of `businessId` that match `filter`, in order.
 *
 * @example
 * for await (const page of iterateChats(client, 1001, { statuses: ["WAITING_FOR_PARTNER"] }, { limit: 20 })) {
 *   for (const chat of page.chats) console.log(chat.chatId);
 * }
 */
export function iterateChats(
  client: MarketClient,
  businessId: number,
  filter: GetChatsFilter = {},
  options: { limit?: number; pageToken?: string } = {},
): AsyncGenerator<GetChatsSuccess, void, undefined> {
  return walk("getChats", options.pageToken, (pageToken) => getChats(client, businessId, filter, { limit: options.limit, pageToken }));
}

/**
 * Every page of chat `chatId`'s messages, oldest first.
 *
 * @example
 * for await (const page of iterateChatHistory(client, 1001, chatId, { limit: 100 })) console.log(page.messages.length);
 */
export function iterateChatHistory(
  client: MarketClient,
  businessId: number,
  chatId: number,
  options: HistoryOptions = {},
): AsyncGenerator<GetChatHistorySuccess, void, undefined> {
  return walk("getChatHistory", options.pageToken, (pageToken) => getChatHistory(client, businessId, chatId, { ...options, pageToken }));
}
