/**
 * Validators compiled from the contract's schemas (ajv), per operation: its path and query
 * parameters, its JSON request body, and every declared response (body and headers). An
 * operation's validators are compiled when it is first used; problems come back as JSON pointer +
 * reason pairs (contract/schema-problems.ts), so callers can say exactly what is wrong and where.
 */
import { Ajv, type Options, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Contract, DeclaredParameter, Operation, SchemaObject } from "./load-contract.js";
import { isInt64 } from "./int64.js";
import { JSON_MEDIA_TYPE } from "./media-type.js";
import { precompiledValidators } from "./precompiled-validators.js";
import { validatorKey } from "./validator-key.js";
import { toProblems, type Problem } from "./schema-problems.js";

export type { Problem } from "./schema-problems.js";

export interface ResponseToCheck {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * A parameter read from its text: the problems, or the value. An int64 past 2^53, which a double
 * cannot hold, is its digits as sent (a string): no record has such an id, and a message quotes it.
 */
export interface ParameterVerdict {
  problems: Problem[];
  value?: unknown;
}

/** The validators of one operation. */
export interface OperationValidator {
  readonly operation: Operation;
  /** Checks one path or query parameter's raw text against its schema. */
  parameter(parameter: DeclaredParameter, raw: string): ParameterVerdict;
  /** The value an absent parameter takes: its schema's `default`, if it has one. */
  parameterDefault(parameter: DeclaredParameter): unknown;
  /** Checks a parsed JSON request body. */
  requestBody(value: unknown): Problem[];
  /** Checks a response against its declared status, body schema and headers. */
  response(response: ResponseToCheck): Problem[];
}

export interface ContractValidator {
  readonly contract: Contract;
  operation(operationId: string): OperationValidator;
}

// OpenAPI 3.0 annotations that ajv does not know (it knows `deprecated`); they carry no validation.
const OPENAPI_ANNOTATIONS = ["example", "xml", "externalDocs", "discriminator"];
const INT64_MAX_BIG = 2n ** 63n - 1n;
const INT64_MIN_BIG = -(2n ** 63n);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Rewrites `#/components/schemas/X` refs to point into the schema we register with ajv. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === "$ref" && typeof value === "string" ? value.replace("#/components/schemas/", "contract#/definitions/") : rewriteRefs(value);
    }
    return out;
  }
  return node;
}

interface CompiledResponse {
  body: ValidateFunction;
  headers: Array<{ name: string; required: boolean; validate: ValidateFunction; integer: boolean }>;
}

/**
 * One ajv instance that knows the contract's schemas and formats, as the mock compiles with it at
 * run time, and as scripts/prebuild.ts compiles to code with it (`code`: ajv's standalone options).
 */
export function createContractAjv(contract: Contract, code?: Options["code"]): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true, code });
  addFormats(ajv);
  ajv.addFormat("int64", { type: "number", validate: isInt64 });
  // OpenAPI's `binary` (a multipart file part) is an annotation here: the operation judges a file from its bytes.
  ajv.addFormat("binary", true);
  ajv.addVocabulary(OPENAPI_ANNOTATIONS);
  ajv.addSchema({ $id: "contract", definitions: rewriteRefs(contract.schemas) as Record<string, SchemaObject> });
  return ajv;
}

/** A schema of the document as ajv takes it, its `$ref`s pointing into the schema {@link createContractAjv} registers. */
export const contractSchema = (schema: SchemaObject): SchemaObject => rewriteRefs(schema) as SchemaObject;

/** `compile` over {@link createContractAjv}: takes any schema of the document. */
function contractCompiler(contract: Contract): (schema: SchemaObject) => ValidateFunction {
  const ajv = createContractAjv(contract);
  return (schema) => ajv.compile(contractSchema(schema));
}

/** A validator of one schema of the document (its `$ref`s resolved against the contract's components). */
export function compileSchema(contract: Contract, schema: SchemaObject): (value: unknown) => Problem[] {
  const validate = contractCompiler(contract)(schema);
  return (value) => (validate(value) ? [] : toProblems(validate.errors));
}

/**
 * Compiles the contract's validators, each operation's on its first use. The package's own
 * contract comes with its request validators compiled at build time (precompiled-validators.ts);
 * ajv is set up only for what they do not cover.
 */
export function compileValidator(contract: Contract): ContractValidator {
  let compiler: ((schema: SchemaObject) => ValidateFunction) | undefined;
  const compile = (schema: SchemaObject): ValidateFunction => (compiler ??= contractCompiler(contract))(schema);
  const built = precompiledValidators !== undefined && precompiledValidators.sha256 === contract.sha256 ? precompiledValidators.validators : {};
  const requestValidator = (key: string, schema: SchemaObject): ValidateFunction => built[key] ?? compile(schema);
  const resolved = (schema: SchemaObject): SchemaObject => {
    const ref = schema.$ref;
    return typeof ref === "string" ? (contract.schemas[ref.split("/").pop() ?? ""] ?? schema) : schema;
  };

  const byOperation = new Map<string, OperationValidator>();
  const forOperation = (operation: Operation): OperationValidator => {
    const parameters = new Map<DeclaredParameter, { validate: ValidateFunction; type: unknown; format: unknown }>();
    const parameterValidator = (parameter: DeclaredParameter) => {
      let compiled = parameters.get(parameter);
      if (compiled === undefined) {
        const target = resolved(parameter.schema);
        const key = validatorKey(operation.operationId, parameter);
        compiled = { validate: requestValidator(key, parameter.schema), type: target.type, format: target.format };
        parameters.set(parameter, compiled);
      }
      return compiled;
    };
    const bodySchema = operation.requestBody?.schemas.get(JSON_MEDIA_TYPE);
    let body: ValidateFunction | undefined;
    // The mock itself never checks its answers (tests and tools do), so these wait for their first use.
    let responses: Map<number, CompiledResponse> | undefined;
    const compiledResponses = (): Map<number, CompiledResponse> =>
      (responses ??= new Map(
        [...operation.responses].map(([status, declared]) => [
          status,
          {
            body: compile(declared.bodySchema),
            headers: declared.headers.map((h) => ({ ...h, validate: compile(h.schema), integer: resolved(h.schema).type === "integer" })),
          },
        ]),
      ));

    return {
      operation,
      parameter(parameter, raw) {
        const { validate, type, format } = parameterValidator(parameter);
        const pointer = `/${parameter.name}`;
        let value: unknown = raw;
        if (type === "integer") {
          if (!/^-?\d+$/.test(raw)) return { problems: [{ pointer, keyword: "type", message: `must be an integer, got "${truncate(raw)}"` }] };
          // Up to 15 digits is far inside int64; only longer ids need the exact (BigInt) comparison.
          if (format === "int64" && raw.length > 15 && (BigInt(raw) > INT64_MAX_BIG || BigInt(raw) < INT64_MIN_BIG)) {
            return { problems: [{ pointer, keyword: "format", message: `${truncate(raw)} is beyond the int64 range` }] };
          }
          value = Number(raw);
        } else if (type === "number") {
          value = raw.trim() === "" ? Number.NaN : Number(raw);
          if (Number.isNaN(value)) return { problems: [{ pointer, keyword: "type", message: `must be a number, got "${truncate(raw)}"` }] };
        } else if (type === "boolean") {
          if (raw !== "true" && raw !== "false") return { problems: [{ pointer, keyword: "type", message: `must be true or false, got "${truncate(raw)}"` }] };
          value = raw === "true";
        }
        if (!validate(value)) return { problems: toProblems(validate.errors, pointer) };
        // A valid int64 past 2^53 cannot be held exactly: its digits go on, which no record matches and a message quotes.
        return { problems: [], value: typeof value === "number" && !Number.isSafeInteger(value) && type === "integer" ? raw : value };
      },
      parameterDefault(parameter) {
        return resolved(parameter.schema).default;
      },
      requestBody(value) {
        if (bodySchema === undefined) return [];
        body ??= requestValidator(validatorKey(operation.operationId, "body"), bodySchema);
        return body(value) ? [] : toProblems(body.errors, "", value);
      },
      response({ status, body: responseBody, headers }) {
        const declared = compiledResponses().get(status);
        if (!declared) return [{ pointer: "", keyword: "status", message: `status ${status} is not declared by the contract for ${operation.operationId}` }];
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
  };

  return {
    contract,
    operation(operationId) {
      let validator = byOperation.get(operationId);
      if (validator === undefined) {
        validator = forOperation(contract.operation(operationId));
        byOperation.set(operationId, validator);
      }
      return validator;
    },
  };
}

function truncate(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}
