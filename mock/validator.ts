/**
 * Validators compiled once, at start, from the contract's schemas (ajv): the request body, the
 * businessId path parameter, and every declared response (body and headers). Problems come back
 * as JSON-pointer + reason pairs, so callers can say exactly what is wrong and where.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Contract, SchemaObject } from "./spec.js";

/** One thing wrong with a value: where (a JSON pointer, or a header name) and why. */
export interface Problem {
  pointer: string;
  message: string;
  keyword: string;
}

export interface ResponseToCheck {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface ContractValidator {
  requestBody(value: unknown): Problem[];
  /** Checks a raw path segment; `value` is set when it is a valid int64 that JS holds exactly. */
  businessId(raw: string): { problems: Problem[]; value?: number };
  /** Checks a response against its declared status, body schema and headers. */
  response(response: ResponseToCheck): Problem[];
}

// OpenAPI 3.0 annotations that ajv does not know (it knows `deprecated`); they carry no validation.
const OPENAPI_ANNOTATIONS = ["example", "xml", "externalDocs", "discriminator"];
// As a double, 2^63 - 1 rounds up to 2^63, so that is the largest value a parsed JSON int64 can have.
const INT64_MAX = 2 ** 63;
const INT64_MAX_BIG = 2n ** 63n - 1n;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Rewrites `#/components/schemas/X` refs to point into the schema we register with ajv. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === "$ref" && typeof value === "string"
          ? value.replace("#/components/schemas/", "contract#/definitions/")
          : rewriteRefs(value);
    }
    return out;
  }
  return node;
}

interface CompiledResponse {
  body: ValidateFunction;
  headers: Array<{ name: string; required: boolean; validate: ValidateFunction; integer: boolean }>;
}

/** Compiles every validator the mock needs from the contract (the response validators on first use). */
export function compileValidator(contract: Contract): ContractValidator {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  // int64: ajv-formats accepts any integer; a value past the int64 range is not an int64.
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= INT64_MAX });
  ajv.addVocabulary(OPENAPI_ANNOTATIONS);
  ajv.addSchema({ $id: "contract", definitions: rewriteRefs(contract.schemas) as Record<string, SchemaObject> });
  const compile = (schema: SchemaObject): ValidateFunction => ajv.compile(rewriteRefs(schema) as SchemaObject);

  const body = compile(contract.requestBodySchema);
  const businessId = compile(contract.businessIdSchema);
  // The mock itself never checks its answers (tests and tools do), so these are compiled on first
  // use, once: a third of the start-up time otherwise, before the first request can be answered.
  let compiledResponses: Map<number, CompiledResponse> | undefined;
  const responses = (): Map<number, CompiledResponse> =>
    (compiledResponses ??= new Map(
      [...contract.responses].map(([status, declared]) => [
        status,
        {
          body: compile(declared.bodySchema),
          headers: declared.headers.map((h) => ({ ...h, validate: compile(h.schema), integer: isIntegerSchema(h.schema, contract) })),
        },
      ]),
    ));

  return {
    requestBody(value) {
      return body(value) ? [] : toProblems(body.errors);
    },

    businessId(raw) {
      if (!/^-?\d+$/.test(raw)) {
        return { problems: [{ pointer: "/businessId", keyword: "type", message: `must be an integer, got "${truncate(raw)}"` }] };
      }
      // Up to 15 digits is far inside int64; only longer ids need the exact (BigInt) comparison.
      if (raw.length > 15 && BigInt(raw) > INT64_MAX_BIG) {
        return { problems: [{ pointer: "/businessId", keyword: "format", message: `${truncate(raw)} is beyond the int64 range` }] };
      }
      const value = Number(raw);
      if (!businessId(value)) return { problems: toProblems(businessId.errors, "/businessId") };
      // A valid int64 past 2^53 cannot be held exactly; no business can have it, so it is simply unknown.
      return { problems: [], value: Number.isSafeInteger(value) ? value : undefined };
    },

    response({ status, body: responseBody, headers }) {
      const declared = responses().get(status);
      if (!declared) return [{ pointer: "", keyword: "status", message: `status ${status} is not declared by the contract` }];
      const problems = declared.body(responseBody) ? [] : toProblems(declared.body.errors, "body");
      for (const header of declared.headers) {
        const raw = headers.get(header.name);
        if (raw === null) {
          if (header.required) problems.push({ pointer: header.name, keyword: "required", message: "required header is missing" });
          continue;
        }
        const value = header.integer && /^-?\d+$/.test(raw) ? Number(raw) : raw;
        if (!header.validate(value)) problems.push(...toProblems(header.validate.errors, header.name));
      }
      return problems;
    },
  };
}

function isIntegerSchema(schema: SchemaObject, contract: Contract): boolean {
  const ref = schema.$ref;
  const target = typeof ref === "string" ? contract.schemas[ref.split("/").pop() ?? ""] : schema;
  return target?.type === "integer";
}

function truncate(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

/** Turns ajv's errors into pointer + plain-English reason, one per problem. */
export function toProblems(errors: ErrorObject[] | null | undefined, prefix = ""): Problem[] {
  return (errors ?? []).map((e) => {
    const at = prefix + e.instancePath;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "required":
        return { pointer: `${at}/${String(p.missingProperty)}`, keyword: e.keyword, message: "is required" };
      case "additionalProperties":
        return { pointer: `${at}/${String(p.additionalProperty)}`, keyword: e.keyword, message: "is not a known property" };
      case "enum":
        return { pointer: at, keyword: e.keyword, message: `must be one of ${(p.allowedValues as unknown[]).join(", ")}` };
      case "type":
        return { pointer: at, keyword: e.keyword, message: `must be ${aOrAn(String(p.type))}` };
      case "format":
        return { pointer: at, keyword: e.keyword, message: `must be ${aOrAn(String(p.format))} value` };
      case "minProperties":
        return { pointer: at, keyword: e.keyword, message: `must have at least ${String(p.limit)} propert${p.limit === 1 ? "y" : "ies"}` };
      default:
        return { pointer: at, keyword: e.keyword, message: e.message ?? "is invalid" };
    }
  });
}

function aOrAn(word: string): string {
  return (/^[aeiou]/i.test(word) ? "an " : "a ") + word;
}
