/**
 * The decision order of the README as one function per request, whatever carried the request:
 * Hono's `app.fetch` (in-process, and every route but createChat over a socket) or Node's
 * `IncomingMessage` directly (createChat over a socket, mock/node-listener.ts). The rules
 * themselves live in their own modules (prefer/negotiate, credentials, business, quota, parallel,
 * faults, request-body, domain, store); this file puts them in order, turns their verdicts into
 * answers, and journals and logs every API request once.
 */
import type { components } from "../generated/schema.js";
import { resolveBusiness } from "./business.js";
import { windowEndHttpDate } from "./clock.js";
import { authenticate } from "./credentials.js";
import { checkContext } from "./domain.js";
import { errorBody, failures, type MockFailure } from "./errors.js";
import type { Logger } from "./log.js";
import { negotiateForced } from "./negotiate.js";
import { parsePrefer } from "./prefer.js";
import type { QuotaDecision } from "./quota.js";
import type { HeaderReader } from "./raw-headers.js";
import { interpretBody, peekContextType, type BodyRead } from "./request-body.js";
import type { Contract } from "./spec.js";
import type { MockState } from "./state.js";
import type { ContractValidator } from "./validator.js";

export type CreateChatResponseBody = components["schemas"]["CreateChatResponse"];

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
  /** The raw `businessId` path segment; undefined off the operation's path. */
  businessId?: string;
  headers: HeaderReader;
  /** Reads the body, once, bounded (see request-body.ts). */
  readBody(): Promise<BodyRead>;
  /** Aborts when the client goes away; asked for only when the mock is about to wait. */
  signal(): AbortSignal | undefined;
  /** The request's headers for the journal, credentials redacted. */
  journalHeaders(): Record<string, string>;
}

/** An answer ready to write: JSON text, headers with lower-case names. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** What the pipeline needs from the mock around it. */
export interface PipelineDeps {
  contract: Contract;
  validator: ContractValidator;
  state: MockState;
  logger: Logger;
  latency?: Latency;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** The mock's API behaviour, one call per request. */
export interface Pipeline {
  /** Steps 2–9 for a POST on the operation's path. */
  createChat(request: ApiRequest): Promise<ApiAnswer>;
  /** Step 1: answers (and journals) a request the routing refused: 404, or 405 with `Allow: POST`. */
  refuse(request: ApiRequest, failure: MockFailure, extraHeaders?: Record<string, string>): ApiAnswer;
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
  counted: boolean;
  businessId?: number;
  /** The counted request's quota decision: every answer from then on carries the rate-limit headers. */
  rateLimit?: QuotaDecision;
  body?: BodyRead;
  errorCode?: string;
}

/**
 * Builds the pipeline over one state. Nothing here is compiled or allocated per request that could
 * be done once: validators come compiled, window ends are formatted once per window.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { contract, validator, state, logger, latency, sleep, random } = deps;
  const windowLabel = formatWindow(state.quota.windowMs);
  const untilText = createHttpDateCache();
  // A silent logger gets no records at all: building one per request is work nobody reads.
  const logRequests = logger.silent !== true;

  const begin = (): Exchange => ({ arrivedAt: state.clock.now(), started: performance.now(), counted: false });

  /** Every API answer is built here: JSON, plus the rate-limit headers once the request is counted. */
  function answer(request: ApiRequest, exchange: Exchange, status: number, body: unknown, extra?: Record<string, string>): ApiAnswer {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const decision = exchange.rateLimit;
    if (decision !== undefined) {
      headers[RATE_LIMIT_HEADERS.limit] = String(decision.limit);
      headers[RATE_LIMIT_HEADERS.remaining] = String(decision.remaining);
      headers[RATE_LIMIT_HEADERS.until] = untilText(decision.until);
    }
    if (extra !== undefined) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name] as string;
    record(request, exchange, status, headers, body);
    return { status, headers, text: JSON.stringify(body) };
  }

  function fail(request: ApiRequest, exchange: Exchange, failure: MockFailure, extra?: Record<string, string>): ApiAnswer {
    exchange.errorCode = failure.errors[0].code;
    return answer(request, exchange, failure.status, errorBody(failure), extra);
  }

  function record(request: ApiRequest, exchange: Exchange, status: number, headers: Record<string, string>, body: unknown): void {
    const durationMs = Math.round((performance.now() - exchange.started) * 10) / 10;
    const { method, path } = request;
    const { arrivedAt, businessId, counted } = exchange;
    // The arrival time and the redacted headers are made when the journal is read, not here.
    state.journal.record({
      time: arrivedAt,
      method,
      path,
      businessId,
      status,
      durationMs,
      counted,
      request: { headers: request.journalHeaders, body: journalBody(exchange.body) },
      response: { headers, body },
    });
    if (logRequests) {
      const time = new Date(arrivedAt).toISOString();
      logger.request({ time, method, path, status, businessId, durationMs, counted, errorCode: exchange.errorCode });
    }
  }

  async function stages(request: ApiRequest, exchange: Exchange): Promise<ApiAnswer> {
    // 2. Prefer: code=NNN / example=NAME forces a declared response, before anything else is checked.
    const prefer = request.headers.get("prefer");
    if (prefer !== undefined && prefer !== null) {
      const forced = negotiateForced(contract, parsePrefer(prefer));
      if (forced) {
        if ("errors" in forced) return fail(request, exchange, forced);
        return answer(request, exchange, forced.status, forced.body, forced.headers);
      }
    }

    // 3. Credentials.
    const auth = authenticate(request.headers, state.fixtures(), contract.requiredScopes);
    if (!auth.ok) return fail(request, exchange, auth.failure);
    // 4. The business: valid, known, and open to this token.
    const access = resolveBusiness(request.businessId ?? "", auth.token, state.fixtures(), validator);
    if (!access.ok) {
      exchange.businessId = access.businessId;
      return fail(request, exchange, access.failure);
    }
    const business = access.business;
    const businessId = business.id;
    exchange.businessId = businessId;

    // 5. Quota and in-flight limit: from here on every request counts and carries the headers.
    const decision = state.quota.take(businessId);
    exchange.counted = true;
    exchange.rateLimit = decision;
    if (!decision.allowed) {
      return fail(request, exchange, failures.quotaExceeded(decision.limit, windowLabel, businessId, untilText(decision.until)));
    }
    const release = state.parallel.tryAcquire(businessId);
    if (!release) return fail(request, exchange, failures.parallelLimit(state.parallel.limit ?? 0, businessId));
    try {
      if (latency) await unlessAborted(sleep(pickLatency(latency, random)), request.signal());

      // 9. Faults, matched on the business and (if the body names one) the context type, before the body is judged.
      const body = await request.readBody();
      exchange.body = body;
      const fault = state.faults.take({ businessId, contextType: peekContextType(body) });
      if (fault) {
        if (fault.delayMs > 0) await unlessAborted(sleep(fault.delayMs), request.signal());
        return fail(request, exchange, failures.injectedFault(fault.status as MockFailure["status"], fault.id));
      }

      // 6–8. The body, the domain, and the chat.
      const verdict = interpretBody(body, validator);
      if (!verdict.ok) return fail(request, exchange, verdict.failure);
      const problem = checkContext(business, verdict.context, state.fixtures());
      if (problem) return fail(request, exchange, problem);
      const { chat } = state.chats.openChat(businessId, verdict.context, state.clock.now());
      const ok: CreateChatResponseBody = { status: "OK", result: { chatId: chat.chatId } };
      return answer(request, exchange, 200, ok);
    } finally {
      release();
    }
  }

  return {
    async createChat(request) {
      const exchange = begin();
      try {
        return await stages(request, exchange);
      } catch (error) {
        // A bug, never bad input: still the API's shape, and journaled like any answer.
        return fail(request, exchange, failures.internal(error instanceof Error ? error.message : String(error)));
      }
    },
    refuse(request, failure, extraHeaders) {
      return fail(request, begin(), failure, extraHeaders);
    },
  };
}

/** An error answer made outside the pipeline: not journaled, no rate-limit headers (control paths, a crash). */
export function unjournaledErrorAnswer(failure: MockFailure): ApiAnswer {
  return { status: failure.status, headers: { "content-type": "application/json" }, text: JSON.stringify(errorBody(failure)) };
}

function journalBody(body: BodyRead | undefined): unknown {
  if (!body || body.tooLarge) return body?.tooLarge ? "(body over the size limit, not read)" : undefined;
  if (body.text.length > JOURNAL_BODY_MAX_CHARS) {
    return `${body.text.slice(0, 256)}… (${body.text.length} characters, cut for the journal)`;
  }
  return body.json ? body.json.value : body.text || undefined;
}

/**
 * `windowEndHttpDate` remembered per window end: the same few instants come back on every request
 * of a window, and formatting a date is a measurable share of a request. Bounded: it starts over
 * once it holds many ends (a clock moved by the control API, or very many businesses).
 */
function createHttpDateCache(maxEntries = 1024): (epochMs: number) => string {
  let cache = new Map<number, string>();
  return (epochMs) => {
    let text = cache.get(epochMs);
    if (text === undefined) {
      if (cache.size >= maxEntries) cache = new Map();
      text = windowEndHttpDate(epochMs);
      cache.set(epochMs, text);
    }
    return text;
  };
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
