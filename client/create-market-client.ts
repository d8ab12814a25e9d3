/**
 * The typed Market API client: openapi-fetch over the generated `paths`, with one credential.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../generated/schema.js";

/** An openapi-fetch client typed by the contract's `paths`. */
export type MarketClient = Client<paths>;

/**
 * What the client sends requests with: `globalThis.fetch` or anything that takes a `Request` and
 * answers a `Response` (a test stub, an instrumented fetch).
 */
export type FetchLike = (request: Request) => Promise<Response>;

/** Options every client takes, whatever its credential. */
export interface MarketClientBaseOptions {
  /** Root URL of the API, e.g. `https://api.partner.market.yandex.ru` or the local mock. Required. */
  baseUrl: string;
  /** The fetch to send requests with. Default: `globalThis.fetch`, as it is at each call. */
  fetch?: FetchLike;
  /** Extra headers sent with every request. Default: none. May not set `Api-Key` or `Authorization`. */
  headers?: HeadersInit;
}

/** Client options with an API-Key token (the recommended scheme). */
export interface MarketClientApiKeyOptions extends MarketClientBaseOptions {
  /** API-Key token of the seller's cabinet, sent as `Api-Key: <apiKey>`. */
  apiKey: string;
  oauthToken?: never;
}

/** Client options with an OAuth token (the deprecated scheme the API still accepts). */
export interface MarketClientOAuthOptions extends MarketClientBaseOptions {
  /**
   * OAuth token, sent as `Authorization: Bearer <oauthToken>`.
   * @deprecated The API keeps the OAuth scheme for older integrations; use `apiKey` in new code.
   */
  oauthToken: string;
  apiKey?: never;
}

/** Options of {@link createMarketClient}: a base URL and exactly one credential. */
export type MarketClientOptions = MarketClientApiKeyOptions | MarketClientOAuthOptions;

// The credential headers belong to the client; letting `headers` set them as well could send two
// credentials, and which one the server honours is not defined.
const CREDENTIAL_HEADERS = ["api-key", "authorization"];

/**
 * Creates the typed client of the Market Partner API.
 *
 * Every request carries the one credential given: `apiKey` as `Api-Key`, or the deprecated
 * `oauthToken` as `Authorization: Bearer`. Throws an `Error` when `baseUrl` is empty or not an
 * absolute URL, when neither or both credentials are given or a credential is empty, or when
 * `headers` sets a credential header itself.
 *
 * @example
 * const client = createMarketClient({
 *   baseUrl: "https://api.partner.market.yandex.ru",
 *   apiKey: process.env.MARKET_API_KEY ?? "",
 * });
 * const { data, error } = await client.POST("/v2/businesses/{businessId}/chats/new", {
 *   params: { path: { businessId: 1001 } },
 *   body: { context: { type: "ORDER", id: 11001 } },
 * });
 */
export function createMarketClient(options: MarketClientOptions): MarketClient {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createMarketClient: options must be an object with baseUrl and apiKey or oauthToken");
  }
  const baseUrl = requireBaseUrl(options.baseUrl);
  const headers = new Headers(options.headers);
  for (const name of CREDENTIAL_HEADERS) {
    if (headers.has(name)) {
      throw new Error(`createMarketClient: options.headers may not set ${name}; pass apiKey or oauthToken instead`);
    }
  }
  const hasApiKey = options.apiKey !== undefined;
  const hasOAuthToken = options.oauthToken !== undefined;
  if (hasApiKey === hasOAuthToken) {
    throw new Error(
      hasApiKey
        ? "createMarketClient: give either apiKey or oauthToken, not both"
        : "createMarketClient: a credential is required: give apiKey (or the deprecated oauthToken)",
    );
  }
  if (hasApiKey) {
    headers.set("Api-Key", requireCredential("apiKey", options.apiKey));
  } else {
    headers.set("Authorization", `Bearer ${requireCredential("oauthToken", options.oauthToken)}`);
  }
  return createClient<paths>({
    baseUrl,
    headers,
    // Looked up on each call, not when the client is made: a fetch patched later (MSW's
    // `server.listen()`, a test's stub) then reaches a client made at import time too.
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
  });
}

function requireBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") {
    throw new Error("createMarketClient: options.baseUrl must be a non-empty URL, e.g. https://api.partner.market.yandex.ru");
  }
  if (!URL.canParse(baseUrl)) {
    throw new Error(`createMarketClient: options.baseUrl must be an absolute URL, got ${JSON.stringify(baseUrl)}`);
  }
  return baseUrl;
}

function requireCredential(name: "apiKey" | "oauthToken", value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`createMarketClient: options.${name} must be a non-empty string`);
  }
  // A line break or other byte a header cannot carry would only fail later, inside fetch.
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new Error(`createMarketClient: options.${name} may hold only visible ASCII characters`);
  }
  return value;
}
