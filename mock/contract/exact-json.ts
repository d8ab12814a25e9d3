/**
 * JSON whose integers keep their digits. The contract's ids are int64, and a double holds integers
 * exactly only up to 2^53: read by JSON.parse, `9007199254740993` becomes `9007199254740992`, and
 * 2^63 passes for an int64. A text with a long run of digits is read by lossless-json instead:
 *
 * - an int64 past 2^53 becomes its nearest double, and its digits are noted beside it;
 * - an integer beyond the int64 range becomes ±2^64, a double the contract's int64 format refuses
 *   (contract/int64.ts), with its digits noted too.
 *
 * So validators need no keyword of their own (they run compiled at build time as well, where a
 * closure over this module could not go), and {@link integerText} gives the digits back to whoever
 * quotes an id: the translator of schema errors and the operations.
 */
import { parse as parseLossless } from "lossless-json";

/** Digits noted for the integers a double cannot hold: holder (object or array) → key → digits. */
const notedDigits = new WeakMap<object, Map<string, string>>();

/**
 * 16 digits (2^53 has 16), perhaps with a decimal point among them, or an exponent. A number
 * without either is a double's exactly, or (with an exponent and 15 significant digits at most)
 * too far from ±2^63 for a double to put it on the wrong side of the int64 range.
 */
const NEEDS_EXACT_READING = /\d(?:\.?\d){15}|\d[eE][+-]?\d/;
const INTEGER_LITERAL = /^-?\d+$/;
const NUMBER_PARTS = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** What an integer beyond int64 reads as: past the ±2^63 the int64 format accepts (a double cannot tell 2^63 - 1 from 2^63). */
const BEYOND_INT64 = 2 ** 64;
// More digits than int64's 19 (and a margin): beyond the range, whatever they are.
const MAX_INT64_DIGITS = 20;

/** An integer a double cannot hold, while the lossless reading runs; replaced by `value` once its digits are noted. */
class ExactInteger {
  constructor(
    readonly digits: string,
    readonly value: number,
  ) {}
}

/** Whether {@link parseJsonExactly} reads `text` otherwise than JSON.parse would: it may hold an integer a double cannot. */
export function readsExactly(text: string): boolean {
  return NEEDS_EXACT_READING.test(text);
}

/**
 * Reads JSON as JSON.parse does (the same values, the same errors, the last of a repeated key),
 * but an integer past 2^53 keeps its digits (see {@link integerText}) and one beyond the int64
 * range reads as ±2^64.
 *
 * @throws SyntaxError, JSON.parse's own.
 * @example
 * const body = parseJsonExactly('{"id":9007199254740993}') as { id: number };
 * integerText(body, "id"); // "9007199254740993" (body.id is 9007199254740992)
 */
export function parseJsonExactly(text: string): unknown {
  if (!readsExactly(text)) return JSON.parse(text);
  let read: unknown;
  try {
    read = parseLossless(text, null, { parseNumber: readNumber, onDuplicateKey: ({ newValue }) => newValue });
  } catch (error) {
    // Invalid JSON gets JSON.parse's error, as on the fast path. Valid JSON that lossless-json
    // cannot read (nested deeper than its recursion goes) gets JSON.parse's reading: no schema of
    // the contract takes such a body, so it is refused all the same.
    const value: unknown = JSON.parse(text);
    if (error instanceof RangeError) return value;
    throw error;
  }
  return settle(read);
}

/**
 * The integer at `holder[key]` as it was sent, when {@link parseJsonExactly} noted its digits (it
 * is past 2^53); otherwise the value as text, an integer with all of its digits.
 */
export function integerText(holder: object, key: string | number): string {
  const noted = notedDigits.get(holder)?.get(String(key));
  if (noted !== undefined) return noted;
  const value: unknown = (holder as Record<string, unknown>)[key];
  // The double's exact value: String(2 ** 64) would say 18446744073709552000.
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** A number's text → its value: JSON.parse's, except an integer a double cannot hold. */
function readNumber(text: string): unknown {
  const value = Number(text);
  if (INTEGER_LITERAL.test(text)) {
    if (Number.isSafeInteger(value)) return value;
    return exactInteger(text.length - (text.startsWith("-") ? 1 : 0) > MAX_INT64_DIGITS ? null : text, text);
  }
  // 9007199254740993.0, 9.223372036854775808e18: an integer written with a fraction or an exponent is one too.
  if (!Number.isInteger(value) || Number.isSafeInteger(value)) return value;
  const integer = integerDigits(text);
  return integer === undefined ? value : exactInteger(integer, text);
}

/** The integer of `digits` (null: more than int64 has), sent as `sent`: in int64 its double, else ±2^64. */
function exactInteger(digits: string | null, sent: string): ExactInteger {
  const exact = digits === null ? undefined : BigInt(digits);
  if (exact !== undefined && exact >= INT64_MIN && exact <= INT64_MAX) return new ExactInteger(digits as string, Number(exact));
  // Beyond int64 it is quoted as sent: its digits may be many, and only a refusal quotes it.
  return new ExactInteger(sent, sent.startsWith("-") ? -BEYOND_INT64 : BEYOND_INT64);
}

/**
 * The digits of an integer written with a fraction or an exponent (`9007199254740993.0`,
 * `9.007199254740993e15`); null when it has more than int64 could; undefined when it has a fraction.
 */
function integerDigits(text: string): string | null | undefined {
  const [, sign, whole, fraction = "", exponent = "0"] = NUMBER_PARTS.exec(text) ?? [];
  if (whole === undefined) return undefined;
  const mantissa = `${whole}${fraction}`.replace(/^0+/, "");
  const significant = mantissa.replace(/0+$/, "");
  const shift = Number(exponent) - fraction.length + (mantissa.length - significant.length);
  if (shift < 0) return undefined;
  if (significant.length + shift > MAX_INT64_DIGITS) return null;
  return `${sign}${significant}${"0".repeat(shift)}`;
}

/** Replaces each ExactInteger of a lossless reading by its double, noting its digits under its holder and key. Iterative: the reading may nest deep. */
function settle(root: unknown): unknown {
  if (root instanceof ExactInteger) return root.value;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const holder = pending.pop();
    if (typeof holder !== "object" || holder === null) continue;
    const values = holder as Record<string, unknown>;
    for (const key of Object.keys(values)) {
      const child = values[key];
      if (child instanceof ExactInteger) {
        let noted = notedDigits.get(holder);
        if (noted === undefined) notedDigits.set(holder, (noted = new Map()));
        noted.set(key, child.digits);
        // Defined, not assigned: an own key `__proto__` must stay a value, as JSON.parse makes it.
        Object.defineProperty(holder, key, { value: child.value, writable: true, enumerable: true, configurable: true });
      } else if (typeof child === "object" && child !== null) {
        pending.push(child);
      }
    }
  }
  return root;
}
