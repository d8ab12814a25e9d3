/**
 * JSON Schemas of the control API's own inputs (`/__mock/*` bodies and the journal query), compiled
 * with ajv, and the wording of their problems. These describe the mock's test-harness interface,
 * not the API contract: from openapi.yaml come only the fault statuses, operation ids and context types.
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { chatContextTypeValues } from "../../generated/schema.js";
import type { ContextType, FaultRule, RateLimitKind } from "../state/faults.js";

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
  match?: { businessId?: number; operationId?: string; contextType?: ContextType };
  delayMs?: number;
  kind?: RateLimitKind;
}

/** Query of `GET /__mock/requests`, after digits were turned into numbers. */
export interface RequestsQuery {
  businessId?: number;
  status?: number;
  limit?: number;
  before?: number;
}

/** The most entries one page of `GET /__mock/requests` holds (and the largest `limit`). */
export const MAX_JOURNAL_PAGE = 1000;
/** The page size when `limit` is absent. */
export const DEFAULT_JOURNAL_PAGE = 100;

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
 * @param faults what a fault may name: the contract's declared error statuses and its operation ids.
 * @example
 * const validators = compileControlValidators({ statuses: [400, 401, 403, 404, 420, 500], operationIds: ["createChat"] });
 * validators.clock({ advanceMs: -1 }); // false; its first problem reads "/advanceMs must be >= 0"
 */
export function compileControlValidators(faults: { statuses: readonly number[]; operationIds: readonly string[] }): ControlValidators {
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
        status: { enum: [...faults.statuses] },
        times: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        match: {
          type: "object",
          additionalProperties: false,
          properties: {
            businessId: safeId,
            operationId: { enum: [...faults.operationIds] },
            contextType: { enum: [...chatContextTypeValues] },
          },
        },
        delayMs: { type: "integer", minimum: 0, maximum: MAX_FAULT_DELAY_MS },
        kind: { enum: ["hourly", "parallel"] satisfies RateLimitKind[] },
      },
    }),
    requestsQuery: ajv.compile({
      type: "object",
      additionalProperties: false,
      properties: {
        businessId: safeId,
        status: { type: "integer", minimum: 100, maximum: 599 },
        limit: { type: "integer", minimum: 0, maximum: MAX_JOURNAL_PAGE },
        before: safeId,
      },
    }),
  };
}

/** The `FaultRule` a valid fault body asks for (the registry takes the same fields). */
export function toFaultRule(body: FaultBody): FaultRule {
  return { status: body.status, times: body.times, match: body.match, delayMs: body.delayMs, kind: body.kind };
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

