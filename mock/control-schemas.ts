/**
 * JSON Schemas of the control API's own inputs (`/__mock/*` bodies and the journal query), compiled
 * with ajv, and the wording of their problems. These describe the mock's test-harness interface,
 * not the API contract: nothing here comes from openapi.yaml except the list of fault statuses.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { ContextType, FaultRule } from "./faults.js";

// ajv-formats is CommonJS with a `default` property; under NodeNext its default import is the module object's type.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Largest `delayMs` a fault may ask for: a minute, so a forgotten fault cannot hang a test run for long. */
export const MAX_FAULT_DELAY_MS = 60_000;

/** Body of `POST /__mock/clock`: exactly one of the two (checked after the schema, see {@link exactlyOneClockField}). */
export interface ClockBody {
  advanceMs?: number;
  /** RFC 3339 date-time with a zone, or epoch milliseconds. */
  now?: string | number;
}

/** Body of `POST /__mock/faults`. */
export interface FaultBody {
  status: number;
  times?: number;
  match?: { businessId?: number; contextType?: ContextType };
  delayMs?: number;
}

/** Query of `GET /__mock/requests`, after digits were turned into numbers. */
export interface RequestsQuery {
  businessId?: number;
  status?: number;
  limit?: number;
}

/** The compiled validators of the control API. */
export interface ControlValidators {
  /** `POST /__mock/reset`: an optional empty object. */
  reset: ValidateFunction<Record<string, never>>;
  clock: ValidateFunction<ClockBody>;
  fault: ValidateFunction<FaultBody>;
  requestsQuery: ValidateFunction<RequestsQuery>;
}

const safeId = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * Compiles the control API's schemas; call once when the control API is created.
 *
 * @param faultStatuses the statuses a fault may answer with: the contract's declared error statuses.
 * @example
 * const validators = compileControlValidators([400, 401, 403, 404, 420, 500]);
 * validators.clock({ advanceMs: -1 }); // false; describeProblem(validators.clock.errors[0]) === "/advanceMs must be >= 0"
 */
export function compileControlValidators(faultStatuses: readonly number[]): ControlValidators {
  // allErrors off: the first problem is the one reported, as for fixture files.
  // verbose on: errors carry their parent schema, so "not an allowed key" can list the allowed ones.
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  return {
    reset: ajv.compile({ type: "object", additionalProperties: false, properties: {} }),
    clock: ajv.compile({
      type: "object",
      additionalProperties: false,
      properties: {
        advanceMs: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        // A string must carry its zone (RFC 3339 `date-time`): a local time would depend on the machine.
        now: { type: ["string", "integer"], format: "date-time", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      },
    }),
    fault: ajv.compile({
      type: "object",
      required: ["status"],
      additionalProperties: false,
      properties: {
        status: { enum: [...faultStatuses] },
        times: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        match: {
          type: "object",
          additionalProperties: false,
          properties: {
            businessId: safeId,
            contextType: { enum: ["ORDER", "RETURN"] },
          },
        },
        delayMs: { type: "integer", minimum: 0, maximum: MAX_FAULT_DELAY_MS },
      },
    }),
    requestsQuery: ajv.compile({
      type: "object",
      additionalProperties: false,
      properties: {
        businessId: safeId,
        status: { type: "integer", minimum: 100, maximum: 599 },
        limit: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      },
    }),
  };
}

/** The `FaultRule` a valid fault body asks for (the registry takes the same fields). */
export function toFaultRule(body: FaultBody): FaultRule {
  return { status: body.status, times: body.times, match: body.match, delayMs: body.delayMs };
}

/**
 * The one-line problem for a valid-shaped clock body that names neither or both of its fields,
 * or undefined when it names exactly one.
 */
export function exactlyOneClockField(body: ClockBody): string | undefined {
  const given = (body.advanceMs !== undefined ? 1 : 0) + (body.now !== undefined ? 1 : 0);
  if (given === 1) return undefined;
  return given === 0
    ? "(root) must have one of /advanceMs (ms to move forward) or /now (the instant to jump to)"
    : "(root) must have only one of /advanceMs or /now, not both";
}

/** Escapes one JSON pointer reference token (RFC 6901). */
function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");

/**
 * Says what an ajv error means, starting with where: `/advanceMs must be >= 0`.
 *
 * @param name how to show a JSON pointer; default: the pointer itself, `(root)` for the whole value.
 */
export function describeProblem(error: ErrorObject, name: (pointer: string) => string = (p) => p || "(root)"): string {
  const params = error.params as Record<string, unknown>;
  const at = name(error.instancePath);
  switch (error.keyword) {
    case "required":
      return `${name(`${error.instancePath}/${pointerToken(String(params.missingProperty))}`)} is required`;
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const key = name(`${error.instancePath}/${pointerToken(String(params.additionalProperty))}`);
      return allowed.length === 0
        ? `${key} is not allowed: this request takes no fields`
        : `${key} is not allowed; allowed: ${allowed.join(", ")}`;
    }
    case "enum":
      return `${at} must be one of ${(params.allowedValues as unknown[]).map((v) => String(v)).join(", ")}`;
    case "type": {
      const types = String(params.type).split(",");
      return `${at} must be ${types.map((t) => `${article(t)} ${t}`).join(" or ")}`;
    }
    case "format":
      return `${at} must be an RFC 3339 date-time with a zone, such as 2026-11-25T12:00:00Z (or epoch milliseconds)`;
    default:
      // ajv's own wording is already "must be >= 0" and the like.
      return `${at} ${error.message ?? `fails ${error.keyword}`}`;
  }
}
