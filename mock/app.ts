/**
 * The mock's Hono app: the decision order of the README as one pipeline of stages, each stage one
 * middleware that either answers or passes on. The rules themselves live in their own modules
 * (prefer/negotiate, credentials, business, quota, parallel, faults, request-body, domain, store);
 * this file only puts them in order and turns their verdicts into responses.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { components } from "../generated/schema.js";
import { resolveBusiness } from "./business.js";
import { windowEndHttpDate } from "./clock.js";
import { createControlApi } from "./control.js";
import { createDocsApp } from "./docs.js";
import { authenticate } from "./credentials.js";
import { checkContext } from "./domain.js";
import { errorBody, failures, type MockFailure } from "./errors.js";
import type { BusinessFixture } from "./fixtures.js";
import { redactHeaders, redactRawHeaders } from "./journal.js";
import { createLogger, type Logger } from "./log.js";
import { negotiateForced } from "./negotiate.js";
import { parsePrefer } from "./prefer.js";
import type { QuotaDecision } from "./quota.js";
import { interpretBody, peekContextType, readBody, type BodyRead } from "./request-body.js";
import { loadContract, type Contract } from "./spec.js";
import { createMockState, type MockState, type MockStateOptions } from "./state.js";
import { compileValidator, type ContractValidator } from "./validator.js";

export type CreateChatResponseBody = components["schemas"]["CreateChatResponse"];

/** Injected latency: a fixed delay, or a uniform range in ms. */
export interface Latency {
  minMs: number;
  maxMs: number;
}

/**
 * Options of the mock. The state's own options (fixtures, clock, store, quota, windowMs,
 * parallelLimit, journalCapacity) build the state unless `state` is given; `quota` and `windowMs`
 * default to the contract's `x-rate-limit` (1,000 per hour).
 */
export interface MockOptions extends MockStateOptions {
  /** The contract; default: openapi.yaml of this package, read once. */
  contract?: Contract;
  /** The whole state, when a test wants to hold it; otherwise built from the options. */
  state?: MockState;
  /** Delay spent on every counted request while it holds its in-flight slot. Default: none. */
  latency?: Latency;
  /** Default: silent. */
  logger?: Logger;
  /** When set, the control API needs `Authorization: Bearer <token>` and answers any client. */
  controlToken?: string;
  /** How the mock waits; tests may inject a fake. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of randomness for latency ranges. Default: Math.random. */
  random?: () => number;
}

interface Vars {
  counted: boolean;
  businessId?: number;
  business?: BusinessFixture;
  body?: BodyRead;
  /** The counted request's quota decision: every answer from then on carries the rate-limit headers. */
  rateLimit?: QuotaDecision;
  responseBody?: unknown;
  /** The answer's headers as sent (lower-case names), kept for the journal. */
  responseHeaders?: Record<string, string>;
  errorCode?: string;
}
type MockEnv = { Variables: Vars };
export type MockApp = Hono<MockEnv>;

// Lower case, as a Fetch Headers object would list them (the journal shows them so).
const RATE_LIMIT_HEADERS = {
  limit: "x-ratelimit-resource-limit",
  remaining: "x-ratelimit-resource-remaining",
  until: "x-ratelimit-resource-until",
} as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates the mock as a Hono app; call `app.fetch(request)` in-process or serve it (mock/server.ts).
 *
 * @example
 * const app = createMockApp({ clock: createManualClock(Date.parse("2026-11-25T12:00:00Z")) });
 * const res = await app.request("/v2/businesses/1001/chats/new", {
 *   method: "POST", headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
 *   body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
 * });
 */
export function createMockApp(options: MockOptions = {}): MockApp {
  const contract = options.contract ?? loadContract();
  const validator = compileValidator(contract);
  const state =
    options.state ??
    createMockState({
      ...options,
      quota: options.quota ?? contract.rateLimit.requests,
      windowMs: options.windowMs ?? contract.rateLimit.periodMs,
    });
  const logger = options.logger ?? createLogger("silent");
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const windowLabel = formatWindow(state.quota.windowMs);
  const untilText = createHttpDateCache();
  // A silent logger gets no records at all: building one per request is work nobody reads.
  const logRequests = logger.silent !== true;
  const route = contract.pathTemplate.replace(/\{(\w+)\}/g, ":$1");

  const app = new Hono<MockEnv>();

  app.route(
    "/__mock",
    createControlApi({ state, contract, controlToken: options.controlToken, remoteAddress }),
  );
  // The API reference (/docs, /openapi.yaml, /openapi.json): answered here, so neither journaled nor counted.
  app.route("/", createDocsApp({ fixtures: () => state.fixtures() }));

  // Journal and log every API request (the control API is neither journaled nor counted).
  app.use("*", async function recordRequest(c, next) {
    if (c.req.path === "/__mock" || c.req.path.startsWith("/__mock/")) return next();
    c.set("counted", false);
    const arrivedAt = state.clock.now();
    const started = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    // c.get, not c.var: c.var copies every variable into a new object on each read.
    const businessId = c.get("businessId");
    const counted = c.get("counted");
    const time = new Date(arrivedAt).toISOString();
    const method = c.req.method;
    const path = c.req.path;
    // Reading c.res.status is free; c.res.headers would turn the adaptor's light response into a
    // Fetch Headers object and send it down the slow path, so the headers come from `send`.
    const status = c.res.status;
    state.journal.record({
      time,
      method,
      path,
      businessId,
      status,
      durationMs,
      counted,
      request: { headers: requestHeaders(c), body: journalBody(c.get("body")) },
      response: { headers: c.get("responseHeaders") ?? {}, body: c.get("responseBody") },
    });
    if (logRequests) {
      logger.request({ time, method, path, status, businessId, durationMs, counted, errorCode: c.get("errorCode") });
    }
  });

  app.post(
    route,
    // 2. Prefer: code=NNN / example=NAME forces a declared response, before anything else is checked.
    async function preferStage(c, next) {
      const prefer = c.req.header("prefer");
      if (prefer === undefined) return next();
      const forced = negotiateForced(contract, parsePrefer(prefer));
      if (!forced) return next();
      if ("errors" in forced) return fail(c, forced);
      return send(c, forced.status, forced.body, forced.headers);
    },
    // 3. Credentials.
    async function credentialsStage(c, next) {
      const auth = authenticate(c.req.raw.headers, state.fixtures(), contract.requiredScopes);
      if (!auth.ok) return fail(c, auth.failure);
      // 4. The business: valid, known, and open to this token.
      const access = resolveBusiness(c.req.param("businessId") ?? "", auth.token, state.fixtures(), validator);
      if (!access.ok) {
        if (access.businessId !== undefined) c.set("businessId", access.businessId);
        return fail(c, access.failure);
      }
      c.set("business", access.business);
      c.set("businessId", access.business.id);
      return next();
    },
    // 5. Quota and in-flight limit: from here on every request counts and carries the headers.
    async function quotaStage(c, next) {
      const businessId = c.get("businessId") as number;
      const decision = state.quota.take(businessId);
      c.set("counted", true);
      // Set before any answer is built, so `send` adds the headers to whichever answer follows.
      c.set("rateLimit", decision);
      if (!decision.allowed) {
        return fail(c, failures.quotaExceeded(decision.limit, windowLabel, businessId, untilText(decision.until)));
      }
      const release = state.parallel.tryAcquire(businessId);
      if (!release) return fail(c, failures.parallelLimit(state.parallel.limit ?? 0, businessId));
      try {
        if (options.latency) await unlessAborted(sleep(pickLatency(options.latency, random)), c.req.raw.signal);
        await next();
      } finally {
        release();
      }
    },
    // 9. Faults, matched on the business and (if the body names one) the context type, before the body is judged.
    async function faultStage(c, next) {
      const body = await readBody(c.req.raw);
      c.set("body", body);
      const fault = state.faults.take({ businessId: c.get("businessId") as number, contextType: peekContextType(body) });
      if (!fault) return next();
      if (fault.delayMs > 0) await unlessAborted(sleep(fault.delayMs), c.req.raw.signal);
      return fail(c, failures.injectedFault(fault.status as MockFailure["status"], fault.id));
    },
    // 6–8. The body, the domain, and the chat.
    async function createChatStage(c) {
      const verdict = interpretBody(c.get("body") as BodyRead, validator);
      if (!verdict.ok) return fail(c, verdict.failure);
      const business = c.get("business") as BusinessFixture;
      const problem = checkContext(business, verdict.context, state.fixtures());
      if (problem) return fail(c, problem);
      const { chat } = state.chats.openChat(business.id, verdict.context, state.clock.now());
      const body: CreateChatResponseBody = { status: "OK", result: { chatId: chat.chatId } };
      return send(c, 200, body);
    },
  );

  // 1. Routing: the operation's path with another method, then any other path.
  app.all(route, (c) => fail(c, failures.methodNotAllowed(c.req.method, c.req.path), { allow: "POST" }));
  app.notFound((c) => fail(c, failures.noRoute(c.req.method, c.req.path, contract.pathTemplate)));
  app.onError((error, c) => fail(c, failures.internal(error.message)));

  /**
   * Every API answer is built here: JSON, plus the rate-limit headers once the request is counted.
   * A Response with a plain header object (not c.json, which makes a Headers object as soon as
   * there is more than one header) is what @hono/node-server writes straight to the socket.
   */
  function send(c: Context<MockEnv>, status: number, body: unknown, extra?: Record<string, string>): Response {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const decision = c.get("rateLimit");
    if (decision !== undefined) {
      headers[RATE_LIMIT_HEADERS.limit] = String(decision.limit);
      headers[RATE_LIMIT_HEADERS.remaining] = String(decision.remaining);
      headers[RATE_LIMIT_HEADERS.until] = untilText(decision.until);
    }
    if (extra !== undefined) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name] as string;
    c.set("responseBody", body);
    c.set("responseHeaders", headers);
    return new Response(JSON.stringify(body), { status, headers });
  }

  function fail(c: Context<MockEnv>, failure: MockFailure, extra?: Record<string, string>): Response {
    c.set("errorCode", failure.errors[0].code);
    return send(c, failure.status, errorBody(failure), extra);
  }

  return app;
}

// A full journal of 10,000 bodies of 64 KiB would hold 640 MB; a large body is kept as a preview.
const JOURNAL_BODY_MAX_CHARS = 4096;

function journalBody(body: BodyRead | undefined): unknown {
  if (!body || body.tooLarge) return body?.tooLarge ? "(body over the size limit, not read)" : undefined;
  if (body.text.length > JOURNAL_BODY_MAX_CHARS) {
    return `${body.text.slice(0, 256)}… (${body.text.length} characters, cut for the journal)`;
  }
  return body.json ? body.json.value : body.text || undefined;
}

/**
 * The request's headers for the journal, credentials redacted. Served by @hono/node-server, they
 * come from Node's raw header list; iterating the request's Headers instead would make the
 * adaptor build a full Fetch Headers object (validating every name and value) on each request.
 */
function requestHeaders(c: Context<MockEnv>): Record<string, string> {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  return Array.isArray(raw) ? redactRawHeaders(raw as string[]) : redactHeaders(c.req.raw.headers);
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
function unlessAborted(wait: Promise<void>, signal: AbortSignal): Promise<void> {
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

/** The peer's address when served by @hono/node-server; undefined in-process (`app.fetch`). */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
