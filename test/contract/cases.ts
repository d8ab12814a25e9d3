/**
 * The black-box contract cases (the mock's behaviour table): given a request, expect a status, an
 * error code, and whether the request counted against the quota. The same cases run against the
 * mock in-process and over a real socket (run-suite.ts), and through Prism's validation proxy
 * (conformance-drive.ts), where Prism's request verdict must agree with the mock's.
 */

export interface CaseRequest {
  method: string;
  /** May name values captured by earlier cases as `{name}` (e.g. `?chatId={chat}`). */
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** A multipart/form-data body instead (FormData sets the Content-Type with its boundary). */
  form?: FormPart[];
}

/** One part of a multipart case body: a file (with `filename`) of `text` or of `size` bytes, or a text field. */
export interface FormPart {
  name: string;
  filename?: string;
  /** The part's Content-Type; absent = what FormData sends for a Blob without one (application/octet-stream). */
  type?: string;
  text?: string;
  size?: number;
}

/** Values captured from earlier answers, by name. */
export type Captured = Map<string, string>;

export interface ContractCase {
  /** The rule of the README's decision order the case proves, e.g. "3 credentials". */
  rule: string;
  name: string;
  request: CaseRequest;
  status: number;
  /** The first error's code (error answers only). */
  code?: string;
  /** Part of the first error's message that shows it says what and where. */
  message?: string | RegExp;
  counted: boolean;
  /**
   * Why Prism's request validator and the mock rightly disagree on this request (the drive reports
   * it as known, and fails if it no longer happens). Absent: the two must agree.
   */
  knownDisagreement?: string;
  /** Why the mock, behind Prism's proxy, answers with another code than `code` (Prism changes the request on its way). */
  proxyChangesRequest?: string;
  /** The status the mock answers behind Prism's proxy, when the change `proxyChangesRequest` names changes it too. Default: `status`. */
  proxiedStatus?: number;
  /** What the answer's body must match (vitest's toMatchObject: arrays whole, objects in part). */
  answer?: unknown;
  /** Keeps a value of the answer's body (a JSON pointer) under a name later cases use as `{name}`. */
  capture?: { name: string; pointer: string };
}

import { chatFamilyCases } from "./chat-cases.js";

export const API_KEY = "demo-all-methods";
export const path = (businessId: string | number) => `/v2/businesses/${businessId}/chats/new`;
const json = { "Content-Type": "application/json" };
const auth = { ...json, "Api-Key": API_KEY };
const order = (id: number) => ({ context: { type: "ORDER", id } });
const ret = (id: number) => ({ context: { type: "RETURN", id } });
const post = (businessId: string | number, body: unknown, headers: Record<string, string> = auth): CaseRequest => ({
  method: "POST",
  path: path(businessId),
  headers,
  body,
});

export const createChatCases: ContractCase[] = [
  // 1. Routing
  { rule: "1 routing", name: "another path is 404 in the error shape", request: { method: "POST", path: "/v2/businesses/1001/chats/archive", headers: auth, body: order(11001) }, status: 404, code: "NOT_FOUND", counted: false },
  { rule: "1 routing", name: "GET on the path is 405", request: { method: "GET", path: path(1001), headers: auth }, status: 405, code: "METHOD_NOT_ALLOWED", message: "use POST", counted: false },

  // 2. Prefer
  ...[200, 400, 401, 403, 404, 420, 500].map((status) => ({
    rule: "2 prefer",
    name: `Prefer: code=${status} forces a spec-valid ${status}`,
    request: post(1001, order(11001), { ...auth, Prefer: `code=${status}` }),
    status,
    counted: false,
  })),
  { rule: "2 prefer", name: "Prefer: example=orderNotFound picks that example", request: post(1001, order(11001), { ...auth, Prefer: "example=orderNotFound" }), status: 404, code: "ORDER_NOT_FOUND", counted: false },
  { rule: "2 prefer", name: "Prefer: code=403, example=missingScope", request: post(1001, order(11001), { ...auth, Prefer: "code=403, example=missingScope" }), status: 403, code: "INSUFFICIENT_SCOPE", counted: false },
  { rule: "2 prefer", name: "an undeclared code lists the declared ones", request: post(1001, order(11001), { ...auth, Prefer: "code=418" }), status: 400, code: "INVALID_PREFER_HEADER", message: "200, 400, 401, 403, 404, 420, 500", counted: false },
  { rule: "2 prefer", name: "an unknown example is refused", request: post(1001, order(11001), { ...auth, Prefer: "example=nope" }), status: 400, code: "INVALID_PREFER_HEADER", message: "example=nope", counted: false },

  // 3. Credentials
  { rule: "3 credentials", name: "no credentials is 401", request: post(1001, order(11001), json), status: 401, code: "UNAUTHORIZED", counted: false },
  { rule: "3 credentials", name: "an unknown Api-Key is 403", request: post(1001, order(11001), { ...json, "Api-Key": "no-such-token" }), status: 403, code: "INVALID_TOKEN", message: "Api-Key", counted: false },
  { rule: "3 credentials", name: "a malformed Authorization is 403", request: post(1001, order(11001), { ...json, Authorization: "Basic dXNlcjpwYXNz" }), status: 403, code: "INVALID_TOKEN", message: "malformed", counted: false },
  { rule: "3 credentials", name: "an unknown OAuth token is 403", request: post(1001, order(11001), { ...json, Authorization: "Bearer nope" }), status: 403, code: "INVALID_TOKEN", counted: false },
  { rule: "3 credentials", name: "a token without a chat scope is 403 naming the scopes", request: post(1001, order(11001), { ...json, "Api-Key": "demo-pricing-only" }), status: 403, code: "INSUFFICIENT_SCOPE", message: "communication, all-methods", counted: false },
  { rule: "3 credentials", name: "the communication scope is enough", request: post(1001, order(11002), { ...json, "Api-Key": "demo-communication" }), status: 200, counted: true },
  { rule: "3 credentials", name: "the deprecated OAuth bearer works", request: post(1001, order(11003), { ...json, Authorization: "Bearer demo-oauth" }), status: 200, counted: true },
  { rule: "3 credentials", name: "the vendor's older OAuth form works", request: post(1001, order(11003), { ...json, Authorization: "OAuth oauth_token=demo-oauth, oauth_client_id=abc" }), status: 200, counted: true, knownDisagreement: "the contract declares Bearer only; the real service still takes this older form, so the mock does too" },

  { rule: "3 credentials", name: "Api-Key decides when Authorization is sent too", request: post(1001, order(11006), { ...auth, Authorization: "Bearer nope" }), status: 200, counted: true },
  { rule: "3 credentials", name: "an Api-Key token sent as a bearer is unknown (403)", request: post(1001, order(11001), { ...json, Authorization: "Bearer demo-all-methods" }), status: 403, code: "INVALID_TOKEN", message: "Authorization", counted: false },

  // 4. businessId
  { rule: "4 business", name: "a non-integer businessId is 400", request: post("abc", order(11001)), status: 400, code: "INVALID_PARAMETER", message: "/businessId", counted: false },
  { rule: "4 business", name: "businessId 0 is 400", request: post(0, order(11001)), status: 400, code: "INVALID_PARAMETER", message: "/businessId must be >= 1", counted: false },
  { rule: "4 business", name: "a businessId beyond int64 is 400", request: post("9223372036854775808", order(11001)), status: 400, code: "INVALID_PARAMETER", message: "int64", counted: false },
  { rule: "4 business", name: "a businessId past 2^53 is an unknown business, quoted as sent", request: post("9007199254740993", order(11001)), status: 404, code: "BUSINESS_NOT_FOUND", message: "Business 9007199254740993 not found", counted: false },
  { rule: "4 business", name: "an unknown business is 404", request: post(9999, order(11001)), status: 404, code: "BUSINESS_NOT_FOUND", message: "9999", counted: false },
  { rule: "4 business", name: "another seller's business is 403", request: post(2001, { context: { type: "ORDER", id: 51001 } }), status: 403, code: "BUSINESS_ACCESS_DENIED", message: "2001", counted: false },
  { rule: "4 business", name: "the other seller reaches its own business", request: post(2001, order(51001), { ...json, "Api-Key": "demo-other-seller" }), status: 200, counted: true },

  // 6. Body
  { rule: "6 body", name: "malformed JSON is 400", request: post(1001, "{\"context\":"), status: 400, code: "MALFORMED_JSON", counted: true },
  { rule: "6 body", name: "an empty body is 400", request: post(1001, ""), status: 400, code: "MALFORMED_JSON", message: "empty", counted: true },
  { rule: "6 body", name: "a JSON array is 400", request: post(1001, []), status: 400, code: "INVALID_REQUEST", message: "request body must be an object", counted: true },
  { rule: "6 body", name: "a JSON string is 400", request: post(1001, "\"hello\""), status: 400, code: "INVALID_REQUEST", message: "must be an object", counted: true, proxyChangesRequest: "Prism's proxy forwards a top-level JSON string without its quotes (`hello`), so the mock answers MALFORMED_JSON; both still refuse it" },
  { rule: "6 body", name: "a wrong content type is 400", request: post(1001, JSON.stringify(order(11001)), { "Api-Key": API_KEY, "Content-Type": "text/plain" }), status: 400, code: "UNSUPPORTED_CONTENT_TYPE", message: "text/plain", counted: true },
  { rule: "6 body", name: "a body over 64 KiB is 400", request: post(1001, { context: { type: "ORDER", id: 11001 }, pad: "x".repeat(70_000) }), status: 400, code: "BODY_TOO_LARGE", counted: true },
  { rule: "6 body", name: "an unknown context type is 400 at its pointer", request: post(1001, { context: { type: "QUESTION", id: 11001 } }), status: 400, code: "INVALID_REQUEST", message: "/context/type must be one of ORDER, RETURN", counted: true },
  { rule: "6 body", name: "context.id 0 is 400 at its pointer", request: post(1001, { context: { type: "ORDER", id: 0 } }), status: 400, code: "INVALID_REQUEST", message: "/context/id must be >= 1", counted: true },
  // Bodies as text: JSON.stringify cannot write an integer past 2^53 with its digits.
  { rule: "6 body", name: "a context id of 2^63, beyond int64, is 400 quoting its digits", request: post(1001, '{"context":{"type":"ORDER","id":9223372036854775808}}'), status: 400, code: "INVALID_REQUEST", message: "/context/id 9223372036854775808 is beyond the int64 range", counted: true },
  { rule: "6 body", name: "a string id is 400", request: post(1001, { context: { type: "ORDER", id: "11001" } }), status: 400, code: "INVALID_REQUEST", message: "/context/id must be an integer", counted: true },
  { rule: "6 body", name: "context without id is 400", request: post(1001, { context: { type: "ORDER" } }), status: 400, code: "INVALID_REQUEST", message: "/context/id is required", counted: true },
  { rule: "6 body", name: "an unknown property is 400", request: post(1001, { context: { type: "ORDER", id: 11001, note: "hi" } }), status: 400, code: "INVALID_REQUEST", message: "/context/note is not allowed; allowed: type, id", counted: true },
  { rule: "6 body", name: "neither context nor orderId is 400", request: post(1001, {}), status: 400, code: "MISSING_CONTEXT", counted: true },
  { rule: "6 body", name: "orderId and context naming different orders is 400", request: post(1001, { orderId: 11002, context: { type: "ORDER", id: 11001 } }), status: 400, code: "CONFLICTING_ORDER_ID", message: "/orderId 11002", counted: true },
  { rule: "6 body", name: "orderId with a RETURN context is 400", request: post(1001, { orderId: 12001, context: { type: "RETURN", id: 12001 } }), status: 400, code: "CONFLICTING_ORDER_ID", counted: true },
  { rule: "6 body", name: "orderId and context naming the same order is fine", request: post(1001, { orderId: 11004, context: { type: "ORDER", id: 11004 } }), status: 200, counted: true },
  { rule: "6 body", name: "the deprecated orderId alone is fine", request: post(1001, { orderId: 11005 }), status: 200, counted: true },

  // 7. Domain
  { rule: "7 domain", name: "an order the business lacks is 404", request: post(1001, order(21001)), status: 404, code: "ORDER_NOT_FOUND", message: "/context/id", counted: true },
  { rule: "7 domain", name: "2^63 - 1, the largest int64, is an order the business lacks, quoted exactly", request: post(1001, '{"context":{"type":"ORDER","id":9223372036854775807}}'), status: 404, code: "ORDER_NOT_FOUND", message: "Order 9223372036854775807 not found", counted: true, proxyChangesRequest: "Prism's proxy reads the body with JSON.parse and forwards 2^63 - 1 as the double's 9223372036854776000, beyond int64, so the mock answers 400 INVALID_REQUEST", proxiedStatus: 400 },
  { rule: "7 domain", name: "an order id past 2^53 is quoted as sent", request: post(1001, '{"orderId":9007199254740993}'), status: 404, code: "ORDER_NOT_FOUND", message: "Order 9007199254740993 not found", counted: true },
  { rule: "7 domain", name: "a return the business lacks is 404", request: post(1001, ret(12999)), status: 404, code: "RETURN_NOT_FOUND", counted: true },
  { rule: "7 domain", name: "a RETURN chat on a DBS business is 400", request: post(1002, ret(22001)), status: 400, code: "RETURN_CHAT_NOT_ALLOWED", message: "DBS", counted: true },

  // 8. Success, for each store model
  { rule: "8 success", name: "an ORDER chat on FBS", request: post(1001, order(11001)), status: 200, counted: true },
  { rule: "8 success", name: "an ORDER chat on DBS", request: post(1002, order(21001)), status: 200, counted: true },
  { rule: "8 success", name: "an ORDER chat on FBY", request: post(1003, order(31001)), status: 200, counted: true },
  { rule: "8 success", name: "an ORDER chat on EXPRESS", request: post(1004, order(41001)), status: 200, counted: true },
  { rule: "8 success", name: "a RETURN chat on FBS", request: post(1001, ret(12001)), status: 200, counted: true },
  { rule: "8 success", name: "a RETURN chat on FBY", request: post(1003, ret(32001)), status: 200, counted: true },
  { rule: "8 success", name: "a RETURN chat on EXPRESS", request: post(1004, ret(42001)), status: 200, counted: true },
];

/** Every case, in the order they run: createChat's, then the chat family's (which use chats they open). */
export const contractCases: ContractCase[] = [...createChatCases, ...chatFamilyCases];

/** Builds a fetch Request for a case against a base URL, its `{name}`s replaced by the captured values. */
export function toRequest(baseUrl: string, request: CaseRequest, captured: Captured = new Map()): Request {
  const body =
    request.form !== undefined
      ? formOf(request.form)
      : request.body === undefined
        ? undefined
        : typeof request.body === "string"
          ? request.body
          : JSON.stringify(request.body);
  return new Request(new URL(resolvePlaceholders(request.path, captured), baseUrl), { method: request.method, headers: request.headers, body });
}

/** `?chatId={chat}` with `chat` captured as 7 → `?chatId=7`; an unknown name is an error of the table. */
export function resolvePlaceholders(text: string, captured: Captured): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = captured.get(name);
    if (value === undefined) throw new Error(`case path ${text} names {${name}}, which no earlier case captured`);
    return encodeURIComponent(value);
  });
}

/** After a case's answer: keeps what it captures, if anything. */
export function capture(c: Pick<ContractCase, "capture">, body: unknown, captured: Captured): void {
  if (c.capture === undefined) return;
  const value = c.capture.pointer
    .split("/")
    .slice(1)
    .reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), body);
  if (typeof value !== "string" && typeof value !== "number") throw new Error(`nothing to capture at ${c.capture.pointer} of ${JSON.stringify(body)}`);
  captured.set(c.capture.name, String(value));
}

function formOf(parts: readonly FormPart[]): FormData {
  const form = new FormData();
  for (const part of parts) {
    if (part.filename === undefined) {
      form.append(part.name, part.text ?? "");
      continue;
    }
    const content = part.text ?? new Uint8Array(part.size ?? 0).fill(0x41);
    form.append(part.name, new Blob([content], part.type === undefined ? {} : { type: part.type }), part.filename);
  }
  return form;
}

/** The operation of the contract a request is routed to, by method and path; undefined for none (routing's 404, 405). */
export function operationOf(operations: ReadonlyArray<{ operationId: string; method: string; pathTemplate: string }>, request: CaseRequest): string | undefined {
  const path = request.path.split("?", 1)[0] as string;
  const found = operations.find(
    (op) => op.method.toUpperCase() === request.method && new RegExp(`^${op.pathTemplate.replace(/\{\w+\}/g, "[^/]+")}$`).test(path),
  );
  return found?.operationId;
}
