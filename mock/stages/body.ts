/**
 * Step 6 of the decision order: the request's parameters and body against the operation's
 * contract. Parameters (path and query) are checked against their schemas; a body must have a
 * declared media type, fit the size limit, be JSON, and match the schema. The operation may word
 * a schema problem in its own terms (operations/*.ts `refineBodyProblems`).
 */
import type { DeclaredParameter } from "../contract/load-contract.js";
import { acceptsMediaType } from "../contract/media-type.js";
import type { Problem } from "../contract/schema-problems.js";
import type { OperationValidator } from "../contract/validators.js";
import { MAX_BODY_BYTES, type BodyRead } from "./read-body.js";
import type { OperationHandler } from "./operation-handler.js";
import { failures, type MockFailure } from "./errors.js";

export type Verdict<T> = { ok: true; value: T } | { ok: false; failure: MockFailure };

/**
 * Checks the path and query parameters the operation declares (businessId is checked earlier, at
 * step 4, and passed in); a query parameter given twice is refused, one not declared is ignored
 * (as the real service does).
 */
export function checkParameters(
  validator: OperationValidator,
  pathParams: Readonly<Record<string, string>>,
  query: URLSearchParams,
  checked: Record<string, unknown>,
): Verdict<Record<string, unknown>> {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = { ...checked };
  const declared = validator.operation.parameters;
  for (const parameter of declared) {
    if (parameter.in === "header" || parameter.name in checked) continue;
    const raw = rawValue(parameter, pathParams, query, problems);
    if (raw === undefined) continue;
    const verdict = validator.parameter(parameter, raw);
    if (verdict.problems.length > 0) problems.push(...verdict.problems);
    else values[parameter.name] = verdict.value;
  }
  return problems.length > 0 ? { ok: false, failure: failures.invalidParameter(problems) } : { ok: true, value: values };
}

function rawValue(parameter: DeclaredParameter, pathParams: Readonly<Record<string, string>>, query: URLSearchParams, problems: Problem[]): string | undefined {
  const pointer = `/${parameter.name}`;
  if (parameter.in === "path") return pathParams[parameter.name];
  const all = query.getAll(parameter.name);
  if (all.length > 1) {
    problems.push({ pointer, keyword: "maxItems", message: `is given ${all.length} times; give it once` });
    return undefined;
  }
  if (all.length === 0 && parameter.required) problems.push({ pointer, keyword: "required", message: "is required" });
  return all[0];
}

/** Judges a read body against the operation's declared request body. */
export function checkBody(body: BodyRead | undefined, validator: OperationValidator, handler: OperationHandler): Verdict<unknown> {
  const declared = validator.operation.requestBody;
  if (declared === undefined) return { ok: true, value: undefined };
  if (body === undefined) return { ok: false, failure: failures.malformedJson("the body is empty") };
  if (!acceptsMediaType(body.contentType, declared.mediaTypes)) {
    return { ok: false, failure: failures.unsupportedContentType(body.contentType, declared.mediaTypes) };
  }
  if (body.tooLarge) return { ok: false, failure: failures.bodyTooLarge(MAX_BODY_BYTES) };
  if (!body.json) return { ok: false, failure: failures.malformedJson(body.jsonError ?? "unreadable") };
  const problems = validator.requestBody(body.json.value);
  if (problems.length > 0) return { ok: false, failure: handler.refineBodyProblems?.(problems) ?? failures.invalidBody(problems) };
  return { ok: true, value: body.json.value };
}
