/**
 * The kinds of option value: each turns the text of a command-line argument or an environment
 * variable into a value, or throws {@link ValueError} saying what it expected. They know nothing
 * of where the text came from; the parser puts the option's or the variable's name in front.
 */
import type { Latency } from "../stages/pipeline.js";
import { LAST_HTTP_DATE_MS, MAX_TIMER_MS, parseDuration, systemClock } from "../state/clock.js";
import { checkStorePrefix, parseStoreUrl, STORE_URL_EXAMPLE } from "../state/redis/location.js";
import type { QuotaLimits } from "../state/store.js";

/** A refused text; the message is what was expected, e.g. `expected an integer >= 1`. */
export class ValueError extends Error {
  override readonly name = "ValueError";
}

/**
 * A value that parsed but cannot be used (an unreadable file); the message follows the option's
 * name on the error line, e.g. `missing.yaml: cannot read file: no such file`.
 */
export class LoadError extends Error {
  override readonly name = "LoadError";
}

/** Text → value; throws {@link ValueError}. */
export type Parser<T> = (text: string) => T;

/** Whole numbers from `min` to `max`, digits only. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return (text) => {
    // Digits only: Number() would also take "1e3", "0x10", " 7" and "", none of which a user means as a count.
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) throw new ValueError(`expected ${range}`);
    return value;
  };
}

/** Any text but the empty one (an address, a token, a path). */
export const nonEmpty: Parser<string> = (text) => {
  if (text === "") throw new ValueError("expected a non-empty value");
  return text;
};

/** Host names, comma-separated (`mock,.internal.example`): each a name without a port or a space. */
export const hostNames: Parser<string[]> = (text) => {
  const names = text.split(",").map((name) => name.trim());
  if (names.some((name) => name === "" || /[\s/:@]/.test(name))) {
    throw new ValueError("expected host names separated by commas, such as mock,.internal.example (no port, no scheme)");
  }
  return names;
};

/** A positive duration such as `90s` or `15m`, in ms; `timer`: also no longer than a timer can wait. */
export function duration(options: { timer: boolean }): Parser<number> {
  return (text) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch {
      throw new ValueError("expected a duration like 90s, 15m or 1h");
    }
    if (ms <= 0) throw new ValueError("must be longer than zero");
    if (options.timer && ms > MAX_TIMER_MS) throw new ValueError(`expected at most ${MAX_TIMER_MS} ms (what a timer can wait)`);
    return ms;
  };
}

/**
 * A quota window: a duration, short enough that a window opened now ends by the last instant an
 * HTTP date can carry, since every counted answer says its end in `X-RateLimit-Resource-Until`.
 */
export const quotaWindow: Parser<number> = (text) => {
  const ms = duration({ timer: false })(text);
  const longest = LAST_HTTP_DATE_MS - systemClock.now();
  if (ms > longest) {
    throw new ValueError(
      `a window opened now would end after ${new Date(LAST_HTTP_DATE_MS).toISOString()}, the last instant an HTTP date ` +
        `(X-RateLimit-Resource-Until) can carry; expected from 1ms to ${Math.floor(longest / 86_400_000)}d`,
    );
  }
  return ms;
};

/** `120` (fixed) or `50-200` (an inclusive range), in ms. */
export const latency: Parser<Latency> = (text) => {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (match === null) throw new ValueError("expected milliseconds like 120, or a range like 50-200");
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (minMs > MAX_TIMER_MS || maxMs > MAX_TIMER_MS) throw new ValueError(`expected at most ${MAX_TIMER_MS} ms (what a timer can wait)`);
  if (minMs > maxMs) throw new ValueError(`the range's minimum ${minMs} is above its maximum ${maxMs}`);
  return { minMs, maxMs };
};

/** One of a fixed list of words. */
export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (text) => {
    const choice = choices.find((c) => c === text);
    if (choice === undefined) throw new ValueError(`expected one of ${choices.join(", ")}`);
    return choice;
  };
}

/** The shortest exact way to write `ms` as a duration `parseDuration` reads back: 3600000 → `1h`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 * 1024 };

/** A number of bytes: digits, optionally `k` (KiB) or `m` (MiB), from `min` (default 0) to `max`. */
export function byteSize(max: number, min = 0): Parser<number> {
  const range = min === 0 ? `at most ${formatBytes(max)}` : `from ${formatBytes(min)} to ${formatBytes(max)}`;
  return (text) => {
    const match = /^(\d+)([km]?)$/.exec(text);
    const bytes = match === null ? Number.NaN : Number(match[1]) * (BYTE_UNITS[match[2] as string] as number);
    if (!(bytes >= min && bytes <= max)) throw new ValueError(`expected a size in bytes like 65536, 64k or 16m, ${range}`);
    return bytes;
  };
}

/** The shortest exact way to write `bytes` as {@link byteSize} reads it: 65536 → `64k`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["m", 1024 * 1024], ["k", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/**
 * Quotas of single operations: `getChatHistory=10:1m,getChats=100`, each an operationId of the
 * contract, its requests per window and, after `:`, the window; each operation at most once.
 */
export function operationQuotas(operationIds: readonly string[]): Parser<Record<string, Partial<QuotaLimits>>> {
  return (text) => {
    const quotas: Record<string, Partial<QuotaLimits>> = {};
    for (const item of text.split(",")) {
      const match = /^([A-Za-z][\w]*)=(\d+)(?::(.+))?$/.exec(item.trim());
      if (match === null) throw new ValueError(`expected operation=requests[:window], comma-separated, like getChatHistory=10:1m; got ${JSON.stringify(item)}`);
      const [, operationId, requests, window] = match as unknown as [string, string, string, string | undefined];
      if (!operationIds.includes(operationId)) throw new ValueError(`${operationId} is not an operation of the contract; it has ${operationIds.join(", ")}`);
      if (Object.hasOwn(quotas, operationId)) throw new ValueError(`${operationId} is given twice`);
      const limit = Number(requests);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new ValueError(`${operationId}: expected requests >= 1, got ${requests}`);
      const quota: Partial<QuotaLimits> = { limit };
      if (window !== undefined) {
        try {
          quota.windowMs = duration({ timer: false })(window);
        } catch (error) {
          throw new ValueError(`${operationId}: window ${JSON.stringify(window)}: ${(error as Error).message}`);
        }
      }
      quotas[operationId] = quota;
    }
    return quotas;
  };
}

/** A state store URL such as `redis://127.0.0.1:6379/0`, kept as written (the store parses it again). */
export const storeUrl: Parser<string> = (text) => {
  try {
    parseStoreUrl(text);
  } catch (error) {
    throw new ValueError(`expected a URL like ${STORE_URL_EXAMPLE}: ${(error as Error).message}`);
  }
  return text;
};

/** A key prefix for the state store. */
export const storePrefix: Parser<string> = (text) => {
  try {
    return checkStorePrefix(text);
  } catch (error) {
    throw new ValueError(`expected ${(error as Error).message.replace(/^a store prefix is /, "").replace(/, got .*$/, "")}`);
  }
};
