/**
 * Reading Prism's verdict (its `sl-violations` header) and comparing it with the mock's: Prism's
 * proxy judges every request and every response against the document; the mock judges requests
 * on its own. Pure functions, shared by the conformance test and `npm run conformance`.
 */

/** One problem Prism found, as its `sl-violations` header lists it. */
export interface PrismViolation {
  /** `["request", "body", "context", "id"]`, `["response", "headers", ...]`, ... */
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

/** The violations of an answer that passed through Prism's proxy; none when the header is absent. */
export function readViolations(headers: Headers): PrismViolation[] {
  const raw = headers.get("sl-violations");
  if (raw === null) return [];
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error(`sl-violations is not a JSON array: ${raw}`);
  return parsed as PrismViolation[];
}

/** The problems Prism found in the response: each one is a violation of the contract by the mock. */
export const responseViolations = (violations: PrismViolation[]) => violations.filter((v) => v.location[0] === "response");
/** The problems Prism found in the request: Prism's request validator refuses the request. */
export const requestViolations = (violations: PrismViolation[]) => violations.filter((v) => v.location[0] === "request");

/** `response.body.errors.0.status enum` — how violations are grouped in a summary. */
export function violationKind(v: PrismViolation): string {
  return `${v.location.join(".")} ${String(v.code ?? v.severity)}`;
}

/**
 * The mock's error codes that refuse a request for its form: what a validator of the document
 * judges too (no such operation, no credentials, a parameter or body that breaks its schema, an
 * undeclared content type, a file outside its part's `minLength`/`maxLength`). Every other refusal
 * (an unknown token, a spent quota, an order the business lacks, a bad page token) depends on the
 * mock's data or state, which Prism cannot know. FILE_TYPE_NOT_ALLOWED is not listed: it comes
 * from the part's `encoding`, which Prism's validator does not read.
 */
export const FORM_REFUSAL_CODES: ReadonlySet<string> = new Set([
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "UNAUTHORIZED",
  "INVALID_PARAMETER",
  "UNSUPPORTED_CONTENT_TYPE",
  "MALFORMED_JSON",
  "MALFORMED_MULTIPART",
  "BODY_TOO_LARGE",
  "INVALID_REQUEST",
  "MISSING_CONTEXT",
  "FILE_TOO_LARGE",
  "FILE_EMPTY",
]);

/** The mock's answer to a request: its status and first error code. */
export interface MockAnswer {
  status: number;
  code?: string;
}

export type DisagreementKind = "prism-refuses-mock-accepts" | "mock-refuses-prism-accepts";

/**
 * Compares the two request validators on one request; undefined when they agree.
 *
 * - Prism refuses (it answered itself, or named a request violation): the mock must refuse too,
 *   with any error status.
 * - The mock refuses for the request's form ({@link FORM_REFUSAL_CODES}): Prism must refuse too.
 *
 * @param forced the mock's answer was chosen by `Prefer` or an injected fault, so it is no
 *   verdict on the request (it still must not accept what Prism refuses).
 */
export function compareVerdicts(prismRefuses: boolean, mock: MockAnswer, forced: boolean): DisagreementKind | undefined {
  if (prismRefuses && mock.status < 400) return "prism-refuses-mock-accepts";
  if (!prismRefuses && !forced && mock.code !== undefined && FORM_REFUSAL_CODES.has(mock.code)) {
    return "mock-refuses-prism-accepts";
  }
  return undefined;
}

/** The first error code of an error body, if it has one. */
export function firstErrorCode(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return undefined;
  const code = (errors[0] as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
