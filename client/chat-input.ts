/**
 * The few checks the chat functions make before sending: ids and the kinds of value a caller most
 * often gets wrong. The server stays the authority on everything else (a message's length, a
 * file's size and kind, a page token).
 */

// The ids are int64 on the wire but numbers here: past 2^53 - 1 a number no longer names one id.
export function assertPositiveSafeInteger(name: string, value: unknown): void {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number (a positive safe integer), got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive safe integer (1..${Number.MAX_SAFE_INTEGER}), got ${describe(value)}`);
  }
}

export function assertString(name: string, value: unknown): void {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, got ${describe(value)}`);
}

export function assertObject(name: string, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`${name} must be an object, got ${describe(value)}`);
}

/** A value as an error message names it: `"x"`, `42`, `null`, `an array`, `object`. */
export function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
