/**
 * Every error the mock can answer with, as small factories returning the API's error shape
 * `{"status":"ERROR","errors":[{"code","message"}]}`. The detail is filled where the error is raised;
 * codes are UPPER_SNAKE and stable, messages say what is wrong and where.
 */
import type { components } from "../../generated/schema.js";
import type { Problem } from "../contract/schema-problems.js";

export type ApiError = components["schemas"]["ApiError"];
export type ErrorResponseBody = components["schemas"]["ErrorResponse"];

/**
 * An error answer before it becomes a Response. Its status is one the operation declares (the
 * pipeline answers undeclared ones as they are, which the contract tests catch), or 405 from routing.
 */
export interface MockFailure {
  status: number;
  errors: [Required<ApiError>, ...Required<ApiError>[]];
}

/** A failure with one error; operations make their own with it. */
export const apiFailure = (status: number, code: string, message: string): MockFailure => ({ status, errors: [{ code, message }] });
const fail = apiFailure;

/** The JSON body of a failure. */
export function errorBody(failure: MockFailure): ErrorResponseBody {
  return { status: "ERROR", errors: failure.errors };
}

const MAX_LISTED_PROBLEMS = 20;

export const failures = {
  // 1. Routing (and a request the transport could not read at all)
  badRequest: (message: string) => fail(400, "BAD_REQUEST", message),
  noRoute: (method: string, path: string, served: readonly string[]) =>
    fail(404, "NOT_FOUND", `No route for ${method} ${path}; this mock serves ${enumerate(served)}`),
  hostNotAllowed: (host: string) =>
    fail(
      403,
      "HOST_NOT_ALLOWED",
      `Host ${host.slice(0, 100)} is not allowed: the mock answers loopback names, IP addresses, the address it is bound to and the names of --allowed-host (a guard against DNS rebinding)`,
    ),
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) =>
    fail(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${path}; use ${allowed.join(", ")}`),

  // 2. Prefer
  undeclaredPreferCode: (raw: string, declared: number[]) =>
    fail(400, "INVALID_PREFER_HEADER", `Prefer: code=${raw} is not a status this operation declares; declared: ${declared.join(", ")}`),
  unknownPreferExample: (name: string, status: number | undefined, known: string[]) =>
    fail(
      400,
      "INVALID_PREFER_HEADER",
      `Prefer: example=${name} is not an example of ${status === undefined ? "any response" : `response ${status}`}; known: ${known.join(", ")}`,
    ),

  // 3. Credentials
  noCredentials: () =>
    fail(401, "UNAUTHORIZED", "No credentials: send the Api-Key header (or the deprecated Authorization: Bearer <token>)"),
  malformedAuthorization: () =>
    fail(403, "INVALID_TOKEN", "Authorization header is malformed: expected Bearer <token> (or OAuth oauth_token=<token>)"),
  unknownToken: (header: "Api-Key" | "Authorization") =>
    fail(403, "INVALID_TOKEN", `The token in the ${header} header is unknown or expired`),
  insufficientScope: (needed: string[], has: string[]) =>
    fail(
      403,
      "INSUFFICIENT_SCOPE",
      `The token needs one of the scopes ${needed.join(", ")}; it has ${has.length > 0 ? has.join(", ") : "none"}`,
    ),

  // 4. Business (and, at 6, the other parameters)
  invalidParameter: (problems: Problem[]) => fromProblems(400, "INVALID_PARAMETER", problems),
  businessNotFound: (raw: string) => fail(404, "BUSINESS_NOT_FOUND", `Business ${raw} not found (/businessId)`),
  businessAccessDenied: (businessId: number) =>
    fail(403, "BUSINESS_ACCESS_DENIED", `The token may not access business ${businessId} (/businessId)`),

  // 5. Quota
  quotaExceeded: (limit: number, window: string, businessId: number, until: string) =>
    fail(420, "LIMIT_EXCEEDED", `Hit rate limit of ${limit} requests per ${window} for businessId ${businessId}; retry after ${until}`),
  parallelLimit: (limit: number, businessId: number) =>
    fail(420, "LIMIT_EXCEEDED", `Hit rate limit of ${limit} parallel requests for businessId ${businessId}`),

  // 6. Body
  unsupportedContentType: (got: string | undefined, declared: readonly string[]) =>
    fail(400, "UNSUPPORTED_CONTENT_TYPE", `Content-Type must be ${declared.join(" or ")}, got ${got ? `"${got}"` : "none"}`),
  bodyTooLarge: (limitBytes: number) =>
    fail(400, "BODY_TOO_LARGE", `Request body is larger than ${limitBytes} bytes`),
  malformedJson: (reason: string) => fail(400, "MALFORMED_JSON", `Request body is not valid JSON: ${reason}`),
  invalidBody: (problems: Problem[]) => fromProblems(400, "INVALID_REQUEST", problems),
  malformedMultipart: (reason: string) => fail(400, "MALFORMED_MULTIPART", `Request body is not valid multipart/form-data: ${reason}`),
  fileTooLarge: (name: string, size: number, max: number, pointer: string) =>
    fail(400, "FILE_TOO_LARGE", `File ${JSON.stringify(name)} has ${size} bytes; at most ${max} are allowed (${pointer})`),
  uploadTooLarge: (limitBytes: number, maxFileBytes: number, pointer: string) =>
    fail(400, "FILE_TOO_LARGE", `Request body is larger than ${limitBytes} bytes: a file may have at most ${maxFileBytes} (${pointer})`),
  fileEmpty: (name: string, pointer: string) => fail(400, "FILE_EMPTY", `File ${JSON.stringify(name)} has no bytes (${pointer})`),
  fileTypeNotAllowed: (name: string, kind: string, allowed: readonly string[], pointer: string) =>
    fail(400, "FILE_TYPE_NOT_ALLOWED", `File ${JSON.stringify(name)} is ${kind}; allowed: ${allowed.join(", ")} (${pointer})`),

  // 9. Faults, and the mock's own trouble
  injectedFault: (status: number, ruleId: number) =>
    fail(status, FAULT_CODES[status] ?? "INJECTED_FAULT", `Injected fault #${ruleId}: the mock was told to answer ${status} (POST /__mock/faults)`),
  internal: (reason: string) => fail(500, "INTERNAL_ERROR", `Internal error of the mock: ${reason}`),
  storeUnavailable: (location: string, reason: string) =>
    fail(500, "STATE_STORE_UNAVAILABLE", `The mock's state store ${location} is unavailable (${reason}); retry later`),
} as const;

/** The code a fault of each status carries: the one the real service uses for that class of failure. */
// Partial: a status the contract gains later still gets a valid code (INJECTED_FAULT).
const FAULT_CODES: Partial<Record<number, string>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  420: "LIMIT_EXCEEDED",
  500: "INTERNAL_ERROR",
};

function enumerate(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more (see /docs)`;
}

function fromProblems(status: number, code: string, problems: Problem[]): MockFailure {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ code, message: `${p.pointer || "request body"} ${p.message}` }));
  const [first, ...rest] = listed;
  return { status, errors: [first ?? { code, message: "is invalid" }, ...rest] };
}
