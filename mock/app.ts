/**
 * The mock as one Hono app, assembled from the contract: a route per operation of openapi.yaml,
 * each handed to the pipeline (mock/stages/pipeline.ts) that holds every other rule; the control
 * API under /__mock; the docs page. Hono routes everything, in-process (`app.fetch`) and over a
 * socket (mock/server.ts); its methodNotAllowed middleware answers 405 on every path.
 */
import { Hono, type Context } from "hono";
import { loadContract, type Contract, type Operation } from "./contract/load-contract.js";
import { compileValidator } from "./contract/validators.js";
import { createControlApi } from "./control/control-api.js";
import { createDocsApp } from "./docs/docs-app.js";
import { hostNameOf, isAllowedHost, type AllowedHosts } from "./http/allowed-hosts.js";
import { apiRequest, remoteAddress } from "./http/api-request.js";
import { toResponse } from "./http/answer.js";
import { answerMethodNotAllowed } from "./http/method-not-allowed.js";
import { createLogger, type Logger } from "./log/log.js";
import { operationHandlers } from "./operations/registry.js";
import type { OperationHandler } from "./stages/operation-handler.js";
import { packageVersion } from "./package-files.js";
import { failures, type MockFailure } from "./stages/errors.js";
import { createPipeline, unjournaledErrorAnswer, type Latency, type Pipeline } from "./stages/pipeline.js";
import { createMockState, type MockStateOptions } from "./state/memory-state.js";
import type { MockStore } from "./state/store.js";

export type { Latency } from "./stages/pipeline.js";
export type { CreateChatResponseBody } from "./operations/create-chat.js";

/**
 * Options of the mock. The state's own options (fixtures, clock, store, quota, windowMs,
 * parallelLimit, journalCapacity, journalMaxBytes, maxChats) build the in-memory state unless `state` is given;
 * `quota` and `windowMs` default to each operation's `x-rate-limit` in the contract.
 */
export interface MockOptions extends Omit<MockStateOptions, "contract"> {
  /** The contract; default: openapi.yaml of this package, read once. */
  contract?: Contract;
  /** The whole state, when a test wants to hold it (or a networked store); otherwise built from the options. */
  state?: MockStore;
  /** Delay spent on every counted request while it holds its in-flight slot. Default: none. */
  latency?: Latency;
  /** Default: silent. */
  logger?: Logger;
  /**
   * Host names answered over a socket besides loopback names, IP addresses and the bound address
   * (a guard against DNS rebinding); `.example.com` allows its subdomains too. In-process requests
   * are not checked. Default: none.
   */
  allowedHosts?: readonly string[];
  /** Given the compile of the control API's validators, to run before its first call (startMockServer runs it once idle). */
  scheduleControlCompile?: (compile: () => void) => void;
  /** When set, the control API needs `Authorization: Bearer <token>` and answers any client. */
  controlToken?: string;
  /** The largest `PUT /__mock/fixtures` body, in bytes. Default 8 MiB (DEFAULT_FIXTURES_MAX_BYTES of state/fixtures.ts). */
  fixturesMaxBytes?: number;
  /** How the mock waits; tests may inject a fake. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of randomness for latency ranges. Default: Math.random. */
  random?: () => number;
  /**
   * Handlers of operations a contract of your own adds (`contract`), beside this package's
   * (mock/operations/registry.ts); one of the same operationId replaces the package's.
   */
  handlers?: readonly OperationHandler[];
}

/** A request the routing refused, answered by the handler and journaled by the outermost middleware. */
interface Refusal {
  failure: MockFailure;
  headers?: Record<string, string>;
}

type AppEnv = { Variables: { refusal?: Refusal } };

/** The Hono app, with the state it serves. */
export type MockApp = Hono<AppEnv> & { readonly state: MockStore; readonly contract: Contract };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `/v2/businesses/{businessId}/chats/new` → `/v2/businesses/:businessId/chats/new`. */
const honoPath = (pathTemplate: string) => pathTemplate.replace(/\{(\w+)\}/g, ":$1");

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
  const state = options.state ?? createMockState({ ...options, contract });
  const handlers = new Map([...operationHandlers, ...(options.handlers ?? []).map((h) => [h.operationId, h] as const)]);
  for (const operation of contract.operations) {
    if (!handlers.has(operation.operationId)) {
      throw new Error(`openapi.yaml: operation ${operation.operationId} has no handler in mock/operations/registry.ts`);
    }
  }
  const logger = options.logger ?? createLogger("silent");
  const pipeline = createPipeline({
    validator: compileValidator(contract),
    handlers,
    store: state,
    logger,
    latency: options.latency,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
  });

  const app = new Hono<AppEnv>();
  // Outermost: a routing refusal (404, 405) is journaled once, whatever answered it.
  app.use(journalRoutingRefusals(pipeline));
  app.use(refuseForeignHosts(options.allowedHosts ?? []));
  app.use(answerMethodNotAllowed(app, refusal));
  // The control API is neither journaled nor counted.
  app.route(
    "/__mock",
    createControlApi({ state, contract, controlToken: options.controlToken, fixturesMaxBytes: options.fixturesMaxBytes, remoteAddress, version: packageVersion(), logger, scheduleCompile: options.scheduleControlCompile }),
  );
  // The API reference (/docs, /openapi.yaml, /openapi.json): neither journaled nor counted either.
  app.route("/", createDocsApp({ fixtures: () => state.fixtures() }));

  // 1. Routing: each operation of the contract on its method and path.
  for (const operation of contract.operations) {
    app.on(operation.method.toUpperCase(), honoPath(operation.pathTemplate), async (c) => toResponse(await pipeline.handle(operation, apiRequest(c))));
  }
  const served = contract.operations.map(describe);
  app.notFound((c) => refusal(c, failures.noRoute(c.req.method, c.req.path, served)));
  app.onError((error, c) => refusal(c, failures.internal(error.message)));

  return Object.assign(app, { state, contract });
}

const describe = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.pathTemplate}`;

/** Answers a request the routing refused; the outer middleware journals it. */
function refusal(c: Context<AppEnv>, failure: MockFailure, headers?: Record<string, string>): Response {
  c.set("refusal", { failure, headers });
  const answer = unjournaledErrorAnswer(failure);
  return toResponse({ ...answer, headers: { ...answer.headers, ...headers } });
}

/** Over a socket, a Host that is not allowed (http/allowed-hosts.ts) gets 403 before any route sees it. */
function refuseForeignHosts(allowed: AllowedHosts) {
  return async function refuseForeignHosts(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
    if (remoteAddress(c) === undefined) return next();
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const name = hostNameOf(host);
    if (name !== undefined && !isAllowedHost(name, allowed)) return refusal(c, failures.hostNotAllowed(host));
    return next();
  };
}

function journalRoutingRefusals(pipeline: Pipeline) {
  return async function journalRoutingRefusals(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
    await next();
    const refused = c.var.refusal;
    // Under /__mock the same answers stay out of the journal, like the rest of the control API; a
    // refusal that a mounted app answered otherwise (the docs' own 405) is not the API's either.
    if (refused === undefined || isControlPath(c.req.path) || c.res.status !== refused.failure.status) return;
    c.res = toResponse(await pipeline.refuse(apiRequest(c), refused.failure, refused.headers));
  };
}

function isControlPath(path: string): boolean {
  return path === "/__mock" || path.startsWith("/__mock/");
}
