/**
 * The mock as a Hono app: the control API, the docs page, and the API's routing (step 1 of the
 * decision order), each API request handed to the pipeline (mock/pipeline.ts), which holds every
 * other rule. `app.fetch` serves it in-process; mock/server.ts serves it on a socket.
 */
import { Hono, type Context } from "hono";
import { createControlApi } from "./control.js";
import { createDocsApp } from "./docs.js";
import { failures, type MockFailure } from "./errors.js";
import { deferRedactedRawHeaders, redactHeaders } from "./journal.js";
import { createLogger, type Logger } from "./log.js";
import { createPipeline, unjournaledErrorAnswer, type ApiAnswer, type ApiRequest, type Latency, type Pipeline } from "./pipeline.js";
import { readBody } from "./request-body.js";
import { loadContract, type Contract } from "./spec.js";
import { createMockState, type MockState, type MockStateOptions } from "./state.js";
import { compileValidator } from "./validator.js";
import { packageVersion } from "./version.js";

export type { CreateChatResponseBody, Latency } from "./pipeline.js";

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

/**
 * The Hono app, carrying its pipeline and the operation's path template, so the socket's fast
 * path (mock/node-listener.ts) answers createChat with the very same state and rules.
 */
export type MockApp = Hono & { readonly pipeline: Pipeline; readonly pathTemplate: string };

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
  const state =
    options.state ??
    createMockState({
      ...options,
      quota: options.quota ?? contract.rateLimit.requests,
      windowMs: options.windowMs ?? contract.rateLimit.periodMs,
    });
  const pipeline = createPipeline({
    contract,
    validator: compileValidator(contract),
    state,
    logger: options.logger ?? createLogger("silent"),
    latency: options.latency,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
  });
  const route = contract.pathTemplate.replace(/\{(\w+)\}/g, ":$1");

  const app = new Hono();
  // The control API is neither journaled nor counted.
  app.route("/__mock", createControlApi({ state, contract, controlToken: options.controlToken, remoteAddress, version: packageVersion() }));
  // The API reference (/docs, /openapi.yaml, /openapi.json): neither journaled nor counted either.
  app.route("/", createDocsApp({ fixtures: () => state.fixtures() }));

  // 1. Routing: POST on the operation's path goes through the pipeline; another method is 405, any other path 404.
  app.post(route, async (c) => toResponse(await pipeline.createChat(apiRequest(c))));
  app.all(route, (c) => toResponse(pipeline.refuse(apiRequest(c), failures.methodNotAllowed(c.req.method, c.req.path), { allow: "POST" })));
  // Under /__mock the same answers stay out of the journal, like the rest of the control API.
  const refuse = (c: Context, failure: MockFailure) =>
    toResponse(isControlPath(c.req.path) ? unjournaledErrorAnswer(failure) : pipeline.refuse(apiRequest(c), failure));
  app.notFound((c) => refuse(c, failures.noRoute(c.req.method, c.req.path, contract.pathTemplate)));
  app.onError((error, c) => refuse(c, failures.internal(error.message)));

  return Object.assign(app, { pipeline, pathTemplate: contract.pathTemplate });
}

function isControlPath(path: string): boolean {
  return path === "/__mock" || path.startsWith("/__mock/");
}

/** The pipeline's view of a request that came through Hono. */
function apiRequest(c: Context): ApiRequest {
  return {
    method: c.req.method,
    path: c.req.path,
    businessId: c.req.param("businessId"),
    headers: c.req.raw.headers,
    readBody: () => readBody(c.req.raw),
    signal: () => c.req.raw.signal,
    journalHeaders: journalHeadersOf(c),
  };
}

/**
 * A Response with a plain header object (not c.json, which makes a Headers object as soon as there
 * is more than one header), which @hono/node-server writes straight to the socket.
 */
function toResponse(answer: ApiAnswer): Response {
  return new Response(answer.text, { status: answer.status, headers: answer.headers });
}

/**
 * The request's headers for the journal, credentials redacted, made when the journal is read. Only
 * the headers are kept until then, not the context: served by @hono/node-server they come from
 * Node's raw header list (iterating the request's Headers instead would make the adaptor build a
 * full Fetch Headers object, validating every name and value).
 */
function journalHeadersOf(c: Context): () => Record<string, string> {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  if (Array.isArray(raw)) return deferRedactedRawHeaders(raw as string[]);
  const headers = c.req.raw.headers;
  return () => redactHeaders(headers);
}

/** The peer's address when served by @hono/node-server; undefined in-process (`app.fetch`). */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
