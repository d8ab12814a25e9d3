/**
 * The typed client of the chat operations and its middleware (rate-limit guard, retry): only what users call.
 */
export { createMarketClient } from "./create-market-client.js";
export type {
  FetchLike,
  MarketClient,
  MarketClientApiKeyOptions,
  MarketClientBaseOptions,
  MarketClientOAuthOptions,
  MarketClientOptions,
} from "./create-market-client.js";
export { createChat } from "./create-chat.js";
export type { CreateChatBody } from "./create-chat.js";
export type {
  ApiError,
  CreateChatErrorStatus,
  CreateChatFailure,
  CreateChatResult,
  CreateChatSuccess,
} from "./create-chat-response.js";
export { getChats } from "./get-chats.js";
export type { GetChatsFilter, GetChatsResult, GetChatsSuccess, PageOptions } from "./get-chats.js";
export { getChat } from "./get-chat.js";
export type { Chat, GetChatResult, GetChatSuccess } from "./get-chat.js";
export { sendMessage } from "./send-message.js";
export type { SendMessageResult, SentSuccess } from "./send-message.js";
export { getChatMessage } from "./get-chat-message.js";
export type { ChatMessage, GetChatMessageResult, GetChatMessageSuccess } from "./get-chat-message.js";
export { getChatHistory } from "./get-chat-history.js";
export type { ChatFullContext, GetChatHistoryResult, GetChatHistorySuccess, HistoryOptions } from "./get-chat-history.js";
export { sendFile } from "./send-file.js";
export type { FileSentSuccess, FileToSend, SendFileResult } from "./send-file.js";
export { iterateChatHistory, iterateChats, PageFailedError } from "./chat-pages.js";
export type { ApiFailure, ChatOperationId, ErrorStatusOf } from "./api-answer.js";
export { parseRateLimit } from "./rate-limit.js";
export type { RateLimitState } from "./rate-limit.js";
export { UnexpectedResponseError } from "./unexpected-response-error.js";
export { createRateLimitGuard } from "./rate-limit-guard.js";
export type { GuardClock, RateLimitGuardOptions } from "./rate-limit-guard.js";
export { RateLimitError } from "./rate-limit-error.js";
export type { RateLimitErrorDetails, RateLimitKind } from "./rate-limit-error.js";
export { backoffDelay, createRetry } from "./retry.js";
export type { RetryEvent, RetryOptions } from "./retry.js";
