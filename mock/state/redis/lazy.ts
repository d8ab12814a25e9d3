/**
 * `createRedisStore` for the package's entry points, loading the Redis client only when called: a
 * mock whose state stays in memory (and a test that imports `./mock` or `./testing`) never loads it.
 */
import type { RedisStore, RedisStoreOptions } from "./redis-store.js";

export type { RedisStore, RedisStoreOptions } from "./redis-store.js";

/** See redis-store.ts: connects to Redis and joins (or starts) the state under the prefix. */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  return (await import("./redis-store.js")).createRedisStore(options);
}
