/** The Redis store: the mock's state shared by replicas. */
export { createRedisStore, type RedisStore, type RedisStoreOptions } from "./lazy.js";
export { DEFAULT_STORE_LEASE_MS, DEFAULT_STORE_PREFIX, DEFAULT_STORE_TIMEOUT_MS } from "./defaults.js";
export { checkStorePrefix, parseStoreUrl, type StoreLocation } from "./location.js";
