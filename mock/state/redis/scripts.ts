/**
 * Lua scripts: how one request's change to the shared state is one atomic step and one round trip.
 * Redis runs a script alone, so what it reads cannot change before it writes (no check-then-act gap
 * between replicas). Scripts go by their SHA-1 (EVALSHA) and are sent whole only when Redis does not
 * know them yet (after its restart, say).
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Lines every script may use. Numbers go back to Redis through `int`: Lua would write 2.5e14 as
 * "2.5e+14", which is no integer to Redis. `late` is true when Redis runs the script after ARGV[1],
 * the deadline in Redis time the mock gave it: the mock has answered by then, so the script must
 * change nothing (a Redis paused and resumed runs what queued meanwhile).
 */
const PRELUDE = `
local function int(x) return string.format('%d', x) end
local function redis_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function late() return redis_ms() > tonumber(ARGV[1]) end
`;

/** A script, run by its digest. */
export interface Script {
  run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<unknown>;
}

/** A script from its body (the prelude is added in front). */
export function script(body: string): Script {
  const source = `${PRELUDE}\n${body}`;
  const sha = createHash("sha1").update(source).digest("hex");
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
        return client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/** The reply a script gives when it ran past its deadline and changed nothing. */
export const LATE = "late";
