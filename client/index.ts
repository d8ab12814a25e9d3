/**
 * The typed client of the createChat operation and its middleware (rate-limit guard, retry): only what users call.
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
export { parseRateLimit } from "./rate-limit.js";
export type { RateLimitState } from "./rate-limit.js";
export { UnexpectedResponseError } from "./unexpected-response-error.js";
export { createRateLimitGuard } from "./rate-limit-guard.js";
export type { GuardClock, RateLimitGuardOptions } from "./rate-limit-guard.js";
export { RateLimitError } from "./rate-limit-error.js";
export type { RateLimitErrorDetails, RateLimitKind } from "./rate-limit-error.js";
export { backoffDelay, createRetry } from "./retry.js";
export type { RetryEvent, RetryOptions } from "./retry.js";
