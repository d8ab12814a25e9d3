/**
 * The decision order of the README, composed in one place and the same for every operation of
 * the contract: 2 Prefer, 3 credentials, 4 business, 5 quota and in-flight slot (then any injected
 * latency), 9 faults, 6 parameters and body, then the operation's own handler (7–8). Routing (1)
 * is Hono's (mock/app.ts). The rules live in their own modules; this file puts them in order,
 * turns their verdicts into answers, and journals and logs every API request once.
 */
import { readsExactly } from "../contract/exact-json.js";
import type { Operation } from "../contract/load-contract.js";
import type { ContractValidator, OperationValidator } from "../contract/validators.js";
import { multipartPreview, type Part } from "./read-multipart.js";
import type { BodyRead } from "./read-body.js";
import type { Logger } from "../log/log.js";
import type { OperationHandler } from "./operation-handler.js";
import { isoInstant, windowEndHttpDate } from "../state/clock.js";
import { detached } from "../state/journal.js";
import type { QuotaDecision } from "../state/quota.js";
import { StoreUnavailableError } from "../state/store-errors.js";
import type { MockStore } from "../state/store.js";
import { bodyLimitBytes, checkBody, checkParameters } from "./body.js";
import { BUSINESS_ID, businessIdParameter, resolveBusiness } from "./business.js";
import { authenticate, type HeaderReader } from "./credentials.js";
import { errorBody, failures, type MockFailure } from "./errors.js";
import { negotiateForced } from "./negotiate.js";
import { parsePrefer } from "./prefer.js";

/** Injected latency: a fixed delay, or a uniform range in ms. */
export interface Latency {
  minMs: number;
  maxMs: number;
}

/** One API request, as the pipeline needs it from whatever carried it. */
export interface ApiRequest {
  method: string;
  /** The path without its query, as journaled and quoted in errors. */
  path: string;
  /** The raw path parameters the route matched. */
  pathParams: Readonly<Record<string, string>>;
  /** The query string's parameters, read when needed. */
  query(): URLSearchParams;
  headers: HeaderReader;
  /** Reads the body, once, at most `maxBytes` of it (see stages/read-body.ts). */
  readBody(maxBytes: number): Promise<BodyRead>;
  /** The origin the request was sent to (`http://127.0.0.1:4010`), for URLs the answer names. */
  origin(): string;
  /** Aborts when the client goes away; asked for only when the mock is about to wait. */
  signal(): AbortSignal | undefined;
  /** The request's headers for the journal, bounded and credentials redacted; made when the journal is read. */
  journalHeaders(): Record<string, string>;
  /** How many characters those headers hold: what the journal's byte bound counts for them. */
  journalHeadersChars: number;
  /** Told the journal id of this request's entry, so the transport can correct it (server.ts). */
  journaled?(id: number): void;
}

/** An answer ready to write: JSON text, headers with lower-case names. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** What the pipeline needs from the mock around it. */
export interface PipelineDeps {
  validator: ContractValidator;
  handlers: ReadonlyMap<string, OperationHandler>;
  store: MockStore;
  logger: Logger;
  latency?: Latency;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** The mock's API behaviour, one call per request. */
export interface Pipeline {
  /** Steps 2–9 for a request routed to an operation. */
  handle(operation: Operation, request: ApiRequest): Promise<ApiAnswer>;
  /** Step 1: answers (and journals) a request the routing refused: 404, or 405 with `Allow`. */
  refuse(request: ApiRequest, failure: MockFailure, extraHeaders?: Record<string, string>): Promise<ApiAnswer>;
}

// Lower case, as a Fetch Headers object would list them (the journal shows them so).
const RATE_LIMIT_HEADERS = {
  limit: "x-ratelimit-resource-limit",
  remaining: "x-ratelimit-resource-remaining",
  until: "x-ratelimit-resource-until",
} as const;

// A full journal of 10,000 bodies of 64 KiB would hold 640 MB; a large body is kept as a preview.
const JOURNAL_BODY_MAX_CHARS = 4096;

/** What one request has gathered on its way through the stages; journaled at the end. */
interface Exchange {
  arrivedAt: number;
  started: number;
  operationId?: string;
  counted: boolean;
  businessId?: number;
  /** The counted request's quota decision: every answer from then on carries the rate-limit headers. */
  rateLimit?: QuotaDecision;
  body?: BodyRead;
  /** The parts of a multipart body, once parsed: the journal shows them instead of the bytes. */
  parts?: Part[];
  errorCode?: string;
}

/** One operation, with what is prepared for it once. */
interface Prepared {
  operation: Operation;
  validator: OperationValidator;
  handler: OperationHandler;
  businessId: ReturnType<typeof businessIdParameter>;
}

/** Builds the pipeline over one store. Validators come compiled per operation, on first use. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { validator, handlers, store, logger, latency, sleep, random } = deps;
  const prepared = new Map<Operation, Prepared>();
  const prepare = (operation: Operation): Prepared => {
    let found = prepared.get(operation);
    if (found === undefined) {
      const handler = handlers.get(operation.operationId);
      if (handler === undefined) throw new Error(`no handler for operation ${operation.operationId} (see mock/operations/registry.ts)`);
      const own = validator.operation(operation.operationId);
      found = {
        operation,
        validator: own,
        handler,
        businessId: businessIdParameter(own),
      };
      prepared.set(operation, found);
    }
    return found;
  };

  const begin = (operationId?: string): Exchange => ({ arrivedAt: store.clock.now(), started: performance.now(), operationId, counted: false });

  /** Every API answer is built here: JSON, plus the rate-limit headers once the request is counted. */
  async function answer(request: ApiRequest, exchange: Exchange, status: number, body: unknown, extra?: Record<string, string>): Promise<ApiAnswer> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const decision = exchange.rateLimit;
    if (decision !== undefined) {
      headers[RATE_LIMIT_HEADERS.limit] = String(decision.limit);
      headers[RATE_LIMIT_HEADERS.remaining] = String(decision.remaining);
      headers[RATE_LIMIT_HEADERS.until] = windowEndHttpDate(decision.until);
    }
    if (extra !== undefined) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name] as string;
    const text = JSON.stringify(body);
    await record(request, exchange, status, headers, body, text.length);
    return { status, headers, text };
  }

  function fail(request: ApiRequest, exchange: Exchange, failure: MockFailure, extra?: Record<string, string>): Promise<ApiAnswer> {
    exchange.errorCode = failure.errors[0].code;
    return answer(request, exchange, failure.status, errorBody(failure), extra);
  }

  async function record(request: ApiRequest, exchange: Exchange, status: number, headers: Record<string, string>, body: unknown, bodyChars: number): Promise<void> {
    const durationMs = Math.round((performance.now() - exchange.started) * 10) / 10;
    const { method, path } = request;
    const { arrivedAt, businessId, counted, operationId } = exchange;
    const requestBody = journalBody(exchange.body, exchange.parts);
    // The arrival time and the redacted headers are made when the journal is read, not here.
    // Logged even if journaling fails: every answer the mock sends leaves a trace somewhere.
    try {
      const id = await store.journal.record({
        time: arrivedAt,
        method,
        path,
        operationId,
        businessId,
        status,
        durationMs,
        counted,
        request: { headers: request.journalHeaders, body: requestBody },
        response: { headers, body },
        // What the byte bound counts: the previews kept, the answer, the entry itself.
        size: JOURNAL_ENTRY_BYTES + request.journalHeadersChars + journalChars(requestBody, exchange.body) + bodyChars,
      });
      request.journaled?.(id);
    } finally {
      logger.request({ time: isoInstant(arrivedAt), method, path, status, businessId, durationMs, counted, errorCode: exchange.errorCode });
    }
  }

  /**
   * The rate-limit headers a forced answer carries when the request has credentials and a business:
   * the business's window as it stands (nothing is counted), and for a forced 420 a spent one, with
   * the window's real end. Undefined when the request names no business it may use.
   */
  async function liveRateLimit(op: Prepared, request: ApiRequest, status: number): Promise<QuotaDecision | undefined> {
    const fixtures = store.fixtures();
    const auth = authenticate(request.headers, fixtures, op.operation.requiredScopes);
    if (!auth.ok) return undefined;
    const access = resolveBusiness(request.pathParams[BUSINESS_ID] ?? "", auth.token, fixtures, op.validator, op.businessId);
    if (!access.ok) return undefined;
    const { limit, windowMs } = store.quotaLimits(op.operation.operationId);
    const window = await store.quotaWindow(op.operation.operationId, access.business.id);
    const now = store.clock.now();
    const live: QuotaDecision = window
      ? { ...window, allowed: window.remaining > 0 }
      : { limit, used: 0, remaining: limit, windowStart: now, until: now + windowMs, allowed: true };
    return status === 420 ? { ...live, remaining: 0, allowed: false } : live;
  }

  async function stages(op: Prepared, request: ApiRequest, exchange: Exchange): Promise<ApiAnswer> {
    const { operation } = op;
    // 2. Prefer: code=NNN / example=NAME forces a declared response, before anything else is checked.
    const prefer = request.headers.get("prefer");
    if (prefer !== undefined && prefer !== null) {
      const forced = negotiateForced(operation, parsePrefer(prefer));
      if (forced) {
        if ("errors" in forced) return fail(request, exchange, forced);
        const live = await liveRateLimit(op, request, forced.status);
        if (live === undefined) return answer(request, exchange, forced.status, forced.body, forced.headers);
        // The business's own quota headers replace the example's: a client testing its back-off is told the truth.
        exchange.rateLimit = live;
        return answer(request, exchange, forced.status, forced.body, withoutRateLimitHeaders(forced.headers));
      }
    }

    // 3. Credentials.
    const fixtures = store.fixtures();
    const auth = authenticate(request.headers, fixtures, operation.requiredScopes);
    if (!auth.ok) return fail(request, exchange, auth.failure);
    // 4. The business: valid, known, and open to this token.
    const access = resolveBusiness(request.pathParams[BUSINESS_ID] ?? "", auth.token, fixtures, op.validator, op.businessId);
    if (!access.ok) return fail(request, exchange, access.failure);
    const business = access.business;
    const businessId = business.id;
    exchange.businessId = businessId;

    // 5. Quota and in-flight slot, in one step: from here on every request counts and carries the headers.
    const admission = await store.admit(operation.operationId, businessId);
    exchange.counted = true;
    exchange.rateLimit = admission.quota;
    if (!admission.admitted) {
      const { limit, until } = admission.quota;
      return fail(
        request,
        exchange,
        admission.refusedBy === "quota"
          ? failures.quotaExceeded(limit, windowLabel(store, operation), businessId, windowEndHttpDate(until))
          : failures.parallelLimit(store.parallelLimit ?? 0, businessId),
      );
    }
    try {
      if (latency) await unlessAborted(sleep(pickLatency(latency, random)), request.signal());

      // 9. Faults, matched on the operation, the business and what the body tells, before the body is judged.
      const body =
        operation.requestBody === undefined ? undefined : await request.readBody(bodyLimitBytes(operation.requestBody, request.headers.get("content-type")));
      exchange.body = body;
      const facts = body === undefined ? {} : (op.handler.faultFacts?.(body) ?? {});
      const fault = await store.faults.take({ businessId, operationId: operation.operationId, ...facts });
      if (fault) {
        if (fault.delayMs > 0) await unlessAborted(sleep(fault.delayMs), request.signal());
        if (fault.status === 420) {
          return fail(
            request,
            exchange,
            fault.kind === "parallel"
              ? failures.parallelLimit(store.parallelLimit ?? operation.rateLimit.parallelRequests ?? 1, businessId)
              : imitateSpentQuota(exchange, windowLabel(store, operation), businessId),
          );
        }
        return fail(request, exchange, failures.injectedFault(fault.status, fault.id));
      }

      // 6. Parameters and body, by the contract.
      const parameters = checkParameters(op.validator, request.pathParams, request.query(), { [BUSINESS_ID]: businessId });
      if (!parameters.ok) return fail(request, exchange, parameters.failure);
      const checked = await checkBody(body, op.validator, op.handler);
      exchange.parts = checked.parts;
      if (!checked.ok) return fail(request, exchange, checked.failure);

      // 7–8. The operation itself.
      const input = {
        business,
        parameters: parameters.value,
        body: checked.value,
        store,
        now: store.clock.now(),
        // Read only by the operations whose answers name URLs: building it costs every other request.
        get origin() {
          return request.origin();
        },
      };
      const outcome = await op.handler.handle(input);
      if (!outcome.ok) return fail(request, exchange, outcome.failure);
      return answer(request, exchange, outcome.status ?? 200, outcome.body);
    } finally {
      await admission.release();
    }
  }

  return {
    async handle(operation, request) {
      const exchange = begin(operation.operationId);
      // Journaled and logged whenever the path names one, counted or not (a 401 included).
      exchange.businessId = namedBusinessId(request.pathParams[BUSINESS_ID]);
      try {
        return await stages(prepare(operation), request, exchange);
      } catch (error) {
        // A shared store that is down or late: the request was not served, say so (and the client may retry).
        if (error instanceof StoreUnavailableError) return fail(request, exchange, failures.storeUnavailable(error.location, error.reason));
        // A bug, never bad input: still the API's shape, and journaled like any answer.
        return fail(request, exchange, failures.internal(error instanceof Error ? error.message : String(error)));
      }
    },
    refuse(request, failure, extraHeaders) {
      return fail(request, begin(), failure, extraHeaders);
    },
  };
}

/** Headers without the rate-limit ones (any case), which a live decision then writes. */
function withoutRateLimitHeaders(headers: Record<string, string>): Record<string, string> {
  const names = new Set<string>(Object.values(RATE_LIMIT_HEADERS));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}

/** The business id a path names, if it is a plain positive integer JS holds exactly. */
function namedBusinessId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[1-9]\d{0,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A fault imitating a spent quota: the answer and the headers of the 1,001st request of the window. */
function imitateSpentQuota(exchange: Exchange, window: string, businessId: number): MockFailure {
  const decision = exchange.rateLimit as QuotaDecision;
  exchange.rateLimit = { ...decision, remaining: 0 };
  return failures.quotaExceeded(decision.limit, window, businessId, windowEndHttpDate(decision.until));
}

/** The operation's quota window as a 420 names it; read per refusal, as the control API may change it. */
function windowLabel(store: MockStore, operation: Operation): string {
  return formatWindow(store.quotaLimits(operation.operationId).windowMs);
}

/** An error answer made outside the pipeline: not journaled, no rate-limit headers (control paths, a crash). */
export function unjournaledErrorAnswer(failure: MockFailure): ApiAnswer {
  return { status: failure.status, headers: { "content-type": "application/json" }, text: JSON.stringify(errorBody(failure)) };
}

function journalBody(body: BodyRead | undefined, parts: Part[] | undefined): unknown {
  if (!body || body.tooLarge) return body?.tooLarge ? "(body over the size limit, not read)" : undefined;
  // A file upload is never kept whole: its size and parts, without their bytes.
  if (body.bytes !== undefined) return multipartPreview(body, parts);
  if (body.text.length > JOURNAL_BODY_MAX_CHARS) {
    // Detached: a slice would keep the whole body alive in the journal.
    return detached(`${body.text.slice(0, 256)}… (${body.text.length} characters, cut for the journal)`);
  }
  if (!body.json) return body.text || undefined;
  // The body as JSON.parse reads it, as a client's JSON would: the exact reading's ±2^64 for an
  // integer beyond int64 is for the validators, not a value the client sent.
  return readsExactly(body.text) ? (JSON.parse(body.text) as unknown) : body.json.value;
}

// The journal entry's own objects (the entry, its header list, the answer's headers and body
// objects, the deferred-headers closure) beyond the characters counted, as measured on the heap
// (bench/NOTES.md): with it, the byte bound is what the journal really holds, within about 10%.
const JOURNAL_ENTRY_BYTES = 2_700;

/** The characters a journaled body holds: its text, or (parsed, small) about twice its text. */
function journalChars(journaled: unknown, body: BodyRead | undefined): number {
  if (typeof journaled === "string") return journaled.length;
  if (journaled === undefined || body === undefined) return 0;
  return body.bytes !== undefined ? JSON.stringify(journaled).length : body.text.length * 2;
}

/**
 * Waits for `wait`, or less if the client disconnects first: a client that gave up must not hold
 * its in-flight slot (--parallel-limit) for the rest of an injected latency or fault delay.
 */
function unlessAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    wait.then(done, done);
  });
}

function pickLatency({ minMs, maxMs }: Latency, random: () => number): number {
  return minMs + Math.floor(random() * (maxMs - minMs + 1));
}

/** `3600000` → `1h`, `90000` → `90s`: the window as the error message names it. */
function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
