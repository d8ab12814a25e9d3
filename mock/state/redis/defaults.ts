/**
 * The Redis store's defaults, apart from the store itself so the CLI's option table can show them
 * without loading the Redis client.
 */

/** The prefix of the mock's keys unless told otherwise. */
export const DEFAULT_STORE_PREFIX = "createchat-mock";

/** How long a store call may take unless told otherwise: well above a healthy round trip, well below a client's patience. */
export const DEFAULT_STORE_TIMEOUT_MS = 1_000;

/**
 * How long an in-flight lease lasts unless told otherwise. It must outlast the longest request
 * (latency, a fault's delay, a slow upload up to the request timeout), or a slot frees early.
 */
export const DEFAULT_STORE_LEASE_MS = 60_000;
