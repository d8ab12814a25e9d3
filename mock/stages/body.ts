/**
 * Step 6 of the decision order: the request's parameters and body against the operation's
 * contract. Parameters (path and query) are checked against their schemas, and an absent one takes
 * its schema's `default`; a body must have a declared media type, fit the size limit, and then be
 * JSON matching the schema, or multipart with the file parts the schema declares (their byte
 * bounds from `minLength`/`maxLength`, their kinds from the media type's `encoding`). The
 * operation may word a schema problem in its own terms (operations/*.ts `refineBodyProblems`).
 */
import type { DeclaredFilePart, DeclaredParameter, DeclaredRequestBody } from "../contract/load-contract.js";
import { acceptsMediaType, mediaTypeOf } from "../contract/media-type.js";
import type { Problem } from "../contract/schema-problems.js";
import type { OperationValidator } from "../contract/validators.js";
import { fileKind } from "./file-kinds.js";
import { parseMultipart, type Part } from "./read-multipart.js";
import { isMultipart, MAX_BODY_BYTES, type BodyRead } from "./read-body.js";
import type { OperationHandler } from "./operation-handler.js";
import { failures, type MockFailure } from "./errors.js";

export type Verdict<T> = { ok: true; value: T } | { ok: false; failure: MockFailure };

/** Room for a multipart body's boundaries, part headers and small fields, beyond its files' bytes. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** A file of a multipart body, as a handler receives it. */
export interface UploadedFile {
  /** The part's file name. */
  name: string;
  /** The kind it was judged by (http/file-kinds.ts). */
  mediaType: string;
  bytes: Uint8Array;
}

/**
 * The most bytes a body of this Content-Type may have for the operation: for a declared multipart
 * media type the sum of its file parts' `maxLength` plus {@link MULTIPART_OVERHEAD_BYTES}; for
 * anything else {@link MAX_BODY_BYTES}. Read before the body, so nothing beyond it is buffered.
 */
export function bodyLimitBytes(declared: DeclaredRequestBody | undefined, contentType: string | null | undefined): number {
  // The common case, without parsing the header: an operation without file parts.
  if (declared === undefined || declared.fileParts.size === 0) return MAX_BODY_BYTES;
  const mediaType = mediaTypeOf(contentType);
  const parts = mediaType === undefined ? undefined : declared?.fileParts.get(mediaType);
  if (parts === undefined || parts.some((p) => p.maxBytes === undefined)) return MAX_BODY_BYTES;
  return parts.reduce((sum, p) => sum + (p.maxBytes as number), MULTIPART_OVERHEAD_BYTES);
}

/**
 * Checks the path and query parameters the operation declares (businessId is checked earlier, at
 * step 4, and passed in); a query parameter given twice is refused, one not declared is ignored
 * (as the real service does), one absent takes its schema's `default` when it has one.
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
    if (raw === undefined) {
      const fallback = validator.parameterDefault(parameter);
      if (fallback !== undefined) values[parameter.name] = fallback;
      continue;
    }
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

/** A judged body: the value the handler gets, and, for a multipart one, its parts (for the journal). */
export type BodyVerdict = (Verdict<unknown> & { parts?: Part[] });

/** Judges a read body against the operation's declared request body. */
export async function checkBody(body: BodyRead | undefined, validator: OperationValidator, handler: OperationHandler): Promise<BodyVerdict> {
  const declared = validator.operation.requestBody;
  if (declared === undefined) return { ok: true, value: undefined };
  if (body === undefined) return { ok: false, failure: failures.malformedJson("the body is empty") };
  if (!acceptsMediaType(body.contentType, declared.mediaTypes)) {
    return { ok: false, failure: failures.unsupportedContentType(body.contentType, declared.mediaTypes) };
  }
  const fileParts = isMultipart(body.contentType) ? (declared.fileParts.get(mediaTypeOf(body.contentType) as string) ?? []) : undefined;
  if (body.tooLarge) {
    // An upload over the bound is a file too large, in the words of the file's own limit.
    const file = fileParts?.find((part) => part.maxBytes !== undefined);
    const limit = body.limitBytes ?? MAX_BODY_BYTES;
    return { ok: false, failure: file ? failures.uploadTooLarge(limit, file.maxBytes as number, `/${file.name}`) : failures.bodyTooLarge(limit) };
  }
  if (fileParts !== undefined) return checkMultipart(body, fileParts);
  if (!body.json) return { ok: false, failure: failures.malformedJson(body.jsonError ?? "unreadable") };
  const problems = validator.requestBody(body.json.value);
  if (problems.length > 0) return { ok: false, failure: handler.refineBodyProblems?.(problems) ?? failures.invalidBody(problems) };
  return { ok: true, value: body.json.value };
}

/** A multipart body: parsed, each declared file part present once, within its bytes and of an allowed kind. Other parts are ignored. */
async function checkMultipart(body: BodyRead, declared: readonly DeclaredFilePart[]): Promise<BodyVerdict> {
  const read = await parseMultipart(body);
  if (!read.ok) return { ok: false, failure: failures.malformedMultipart(read.reason) };
  const { parts } = read;
  const value: Record<string, UploadedFile> = {};
  for (const expected of declared) {
    const pointer = `/${expected.name}`;
    const named = parts.filter((p) => p.name === expected.name);
    const refuse = (failure: MockFailure): BodyVerdict => ({ ok: false, failure, parts });
    if (named.length === 0) {
      if (expected.required) return refuse(failures.invalidBody([{ pointer, keyword: "required", message: "is required: send the file as the form part of that name" }]));
      continue;
    }
    if (named.length > 1) return refuse(failures.invalidBody([{ pointer, keyword: "maxItems", message: `is given ${named.length} times; give it once` }]));
    const part = named[0] as Part;
    if (part.kind !== "file") return refuse(failures.invalidBody([{ pointer, keyword: "type", message: "must be a file part (with a filename), not a text field" }]));
    const size = part.bytes.byteLength;
    if (expected.maxBytes !== undefined && size > expected.maxBytes) return refuse(failures.fileTooLarge(part.filename, size, expected.maxBytes, pointer));
    if (expected.minBytes !== undefined && size < expected.minBytes) return refuse(failures.fileEmpty(part.filename, pointer));
    const kind = fileKind(part.contentType, part.filename);
    if (expected.contentTypes !== undefined && !expected.contentTypes.includes(kind)) {
      return refuse(failures.fileTypeNotAllowed(part.filename, kind, expected.contentTypes, pointer));
    }
    value[expected.name] = { name: part.filename, mediaType: kind, bytes: part.bytes };
  }
  return { ok: true, value, parts };
}
