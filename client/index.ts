/**
 * The typed client of the createChat operation: only what users call.
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
