/**
 * The one translator of JSON Schema (ajv) errors into plain English, for every schema the mock
 * checks: the contract's parameters, bodies and responses, fixtures, and the control API's inputs.
 * A problem says where (a JSON pointer) and why; {@link describeProblem} makes it one line.
 */
import type { ErrorObject } from "ajv";
import { integerText } from "./exact-json.js";
import { isInt64 } from "./int64.js";

/** One thing wrong with a value: where (a JSON pointer, or a header name) and why. */
export interface Problem {
  pointer: string;
  message: string;
  keyword: string;
}

/** Escapes one JSON pointer reference token (RFC 6901). */
export function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");
const plural = (n: unknown, one: string, many: string) => `${String(n)} ${n === 1 ? one : many}`;

/**
 * Turns ajv's errors into problems, one per error. `prefix` goes before each pointer (a header
 * name, `body`, `/businessId`). Compile with `verbose: true` for the richest wording (the allowed
 * keys of an object, the range of an integer).
 *
 * @param data the value that was validated: with it, an integer beyond the int64 range is quoted
 *   with the digits it was sent with (contract/exact-json.ts), not as the double that stands for it.
 * @example toProblems(validate.errors) // [{ pointer: "/context/type", keyword: "enum", message: "must be one of ORDER, RETURN" }]
 */
export function toProblems(errors: readonly ErrorObject[] | null | undefined, prefix = "", data?: unknown): Problem[] {
  return (errors ?? []).map((error) => toProblem(error, prefix, data));
}

function toProblem(error: ErrorObject, prefix: string, data: unknown): Problem {
  const at = prefix + error.instancePath;
  const p = error.params as Record<string, unknown>;
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const problem = (pointer: string, message: string): Problem => ({ pointer, keyword: error.keyword, message });
  switch (error.keyword) {
    case "required":
      return problem(`${at}/${pointerToken(String(p.missingProperty))}`, "is required");
    case "additionalProperties": {
      const allowed = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      const where = `${at}/${pointerToken(String(p.additionalProperty))}`;
      if (parent === undefined) return problem(where, "is not allowed");
      return problem(where, allowed.length === 0 ? "is not allowed: this request takes no fields" : `is not allowed; allowed: ${allowed.join(", ")}`);
    }
    case "enum":
      return problem(at, `must be one of ${(p.allowedValues as unknown[]).map(String).join(", ")}`);
    case "type":
      return problem(at, `must be ${String(p.type).split(",").map((t) => `${article(t)} ${t}`).join(" or ")}`);
    case "format":
      if (p.format === "int64" && typeof error.data === "number" && Number.isInteger(error.data) && !isInt64(error.data)) {
        return problem(at, `${truncate(sentInteger(data, error.instancePath, error.data))} is beyond the int64 range`);
      }
      return problem(at, formatMessage(String(p.format), parent));
    case "minLength":
      return problem(at, p.limit === 1 ? "must be a non-empty string" : `must be at least ${plural(p.limit, "character", "characters")} long`);
    case "maxLength":
      return problem(at, `must be at most ${plural(p.limit, "character", "characters")} long`);
    case "minItems":
      return problem(at, `must have at least ${plural(p.limit, "item", "items")}`);
    case "maxItems":
      return problem(at, `must have at most ${plural(p.limit, "item", "items")}`);
    case "minProperties":
      return problem(at, `must have at least ${plural(p.limit, "property", "properties")}`);
    default:
      // ajv's own wording is already "must be >= 0" and the like.
      return problem(at, error.message ?? `fails ${error.keyword}`);
  }
}

/**
 * The integer at `pointer` in `data` as it was sent: its noted digits when its holder is found,
 * else the exact value of the double `value`.
 */
function sentInteger(data: unknown, pointer: string, value: number): string {
  const tokens = pointer.split("/").slice(1).map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
  const key = tokens.pop();
  let holder = data;
  for (const token of tokens) holder = typeof holder === "object" && holder !== null ? (holder as Record<string, unknown>)[token] : undefined;
  const found = key !== undefined && typeof holder === "object" && holder !== null && (holder as Record<string, unknown>)[key] === value;
  if (found) return integerText(holder as object, key as string);
  return BigInt(value).toString();
}

const truncate = (text: string, max = 40) => (text.length > max ? `${text.slice(0, max)}…` : text);

function formatMessage(format: string, parent: Record<string, unknown> | undefined): string {
  switch (format) {
    case "date-time": {
      const alsoInteger = Array.isArray(parent?.type) && parent.type.includes("integer");
      return `must be an RFC 3339 date-time with a zone, such as 2026-11-25T12:00:00Z${alsoInteger ? " (or epoch milliseconds)" : ""}`;
    }
    default:
      return `must be ${article(format)} ${format} value`;
  }
}

/**
 * One line for a problem: `/advanceMs must be >= 0`.
 *
 * @param name how to show the pointer; default: the pointer itself, `(root)` for the whole value.
 */
export function describeProblem(problem: Problem, name: (pointer: string) => string = (pointer) => pointer || "(root)"): string {
  return `${name(problem.pointer)} ${problem.message}`;
}
