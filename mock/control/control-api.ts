/**
 * The control API under `/__mock`: what a test uses to steer the mock between API calls. It resets
 * the state, shows it, moves the clock, lists the request journal, injects faults and swaps the
 * fixtures. It is never counted in the quota nor journaled (app.ts skips it), only loopback clients
 * may use it unless a control token is set, and every bad input is a 400 that leaves state alone.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ValidateFunction } from "ajv";
import { Hono, type Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import { ipRestriction } from "hono/ip-restriction";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Contract } from "../contract/load-contract.js";
import type { Logger } from "../log/log.js";
import { acceptsMediaType, JSON_MEDIA_TYPE } from "../contract/media-type.js";
import { describeProblem, toProblems } from "../contract/schema-problems.js";
import { LOOPBACK_RANGES } from "../http/loopback.js";
import { readBody } from "../stages/read-body.js";
import { answerMethodNotAllowed } from "../http/method-not-allowed.js";
import { errorBody, type MockFailure } from "../stages/errors.js";
import { addChatControl, chatSnapshot } from "./control-chats.js";
import { DEFAULT_FIXTURES_MAX_BYTES, FixturesError, parseFixtures, type Fixtures } from "../state/fixtures.js";
import { isoInstant, LAST_HTTP_DATE_MS } from "../state/clock.js";
import { StoreUnavailableError } from "../state/store-errors.js";
import type { MockStore } from "../state/store.js";
import { refuseForeignOrigin, requireJsonContentType } from "./browser-guards.js";
import {
  compileControlValidators,
  DEFAULT_JOURNAL_PAGE,
  exactlyOneClockField,
  toFaultRule,
  type ClockBody,
  type ControlValidators,
  type RequestsQuery,
} from "./control-schemas.js";

/** What the control API works on, and who may use it. */
export interface ControlDeps {
  /** The mock's state, shared with the API routes. */
  state: MockStore;
  /**
   * Given the compile of the control API's validators, to run it earlier than the first control
   * call: a server runs it once it is idle, so the compile (~80 ms) stalls no client later (a first
   * journal read under load, say). Default: compiled at the first call.
   */
  scheduleCompile?: (compile: () => void) => void;
  /** The contract; its declared error statuses are the statuses a fault may answer with. */
  contract: Contract;
  /**
   * When set (non-empty), every control request needs `Authorization: Bearer <controlToken>`,
   * from any client, loopback included. When absent, only loopback clients are answered.
   */
  controlToken?: string;
  /** The largest `PUT /fixtures` body, in bytes. Default {@link DEFAULT_FIXTURES_MAX_BYTES}. */
  fixturesMaxBytes?: number;
  /** The package version `GET /__mock/health` reports. */
  version?: string;
  /** The request log, whose dropped records `GET /__mock/state` reports. */
  logger?: Logger;
  /** The peer's IP address when served over a socket; undefined in-process, which counts as local. */
  remoteAddress: (c: Context) => string | undefined;
}

/** The error code of every bad control input; the message names the field. */
export const INVALID_CONTROL_REQUEST = "INVALID_CONTROL_REQUEST";

/** Largest body of `POST /__mock/clock`, `/faults`, `/reset`: they are a few fields. */
const MAX_CONTROL_BODY_BYTES = 16 * 1024;
/** A journal page stops once its entries hold this many bytes: a few milliseconds to write out. */
const MAX_JOURNAL_PAGE_BYTES = 512 * 1024;
const controlFailure = (status: number, code: string, message: string): MockFailure => ({
  status,
  errors: [{ code, message }],
});
const invalid = (message: string) => controlFailure(400, INVALID_CONTROL_REQUEST, message);

/**
 * Creates the control API as a Hono app, to mount under `/__mock`.
 * The validators are compiled once, on first use; the token's digest is taken here, once.
 *
 * Endpoints: `POST /reset`, `GET /state`, `POST /clock`, `GET /requests`, `GET|POST|DELETE /faults`,
 * `PUT /fixtures`, and those of control-chats.ts: `POST /chats`, `GET|PATCH /chats/{chatId}`,
 * `POST /chats/{chatId}/messages`, `GET /files/{fileId}`, `PUT|DELETE /quotas/{operationId}`. Unknown path → 404, wrong method → 405 with `Allow`, both in the API's error shape.
 *
 * @throws RangeError when `controlToken` is the empty string (it would protect nothing), or
 *   `fixturesMaxBytes` is not an integer >= 1.
 * @example
 * app.route("/__mock", createControlApi({ state, contract, controlToken: process.env.MOCK_CONTROL_TOKEN, remoteAddress }));
 */
export function createControlApi(deps: ControlDeps): Hono {
  const { state, contract } = deps;
  const fixturesMaxBytes = deps.fixturesMaxBytes ?? DEFAULT_FIXTURES_MAX_BYTES;
  if (!Number.isSafeInteger(fixturesMaxBytes) || fixturesMaxBytes < 1) {
    throw new RangeError(`fixturesMaxBytes must be an integer >= 1, got ${String(deps.fixturesMaxBytes)}`);
  }
  // Compiled on the first control request unless told otherwise: most in-process runs never call
  // the control API, and compiling is a tenth of the time from start to the first answer.
  let compiled: ControlValidators | undefined;
  const validators = (): ControlValidators =>
    (compiled ??= compileControlValidators({
      statuses: [...new Set(contract.operations.flatMap((op) => op.statuses.filter((status) => status >= 400)))].sort(),
      operationIds: contract.operations.map((op) => op.operationId),
    }));
  const api = new Hono();

  // Hono keeps a mounted app's error handler, so even a bug here answers in the API's error shape.
  api.onError((error, c) => {
    // IP restriction throws a plain 403 for a peer address it cannot parse: still a refused peer.
    if (error instanceof HTTPException && error.status === 403) return reply(c, controlForbidden(deps.remoteAddress(c) ?? "unknown"));
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof StoreUnavailableError) return reply(c, controlFailure(503, "STATE_STORE_UNAVAILABLE", `The mock's ${error.message}`));
    return reply(c, controlFailure(500, "CONTROL_INTERNAL_ERROR", `Internal error of the control API: ${error.message}`));
  });
  api.use(answerMethodNotAllowed(api, (c, failure, headers) => reply(c, failure, headers)));

  // Readiness for scripts and orchestrators: no credentials, no state beyond "ok" and the version,
  // so it is answered before the access check (even under a control token). A shared store's
  // health is told too (where, and whether it answers), never its contents: 503 while it is down.
  api.get("/health", async (c) => {
    const version = deps.version ?? "unknown";
    if (state.health === undefined) return c.json({ status: "ok", version });
    const store = await state.health();
    return store.available ? c.json({ status: "ok", version, store }) : c.json({ status: "unavailable", version, store }, 503);
  });

  // Then what keeps a web page out (browser-guards.ts), and access, for every other path, so a
  // client that may not steer the mock cannot probe it either.
  api.use(refuseForeignOrigin(reply));
  api.use(controlAccess(deps.controlToken, deps.remoteAddress));
  // What a shared store caches here (the clock, the fixtures, the quota limits) is read afresh
  // before any control call acts on it or shows it.
  if (state.refresh !== undefined) {
    api.use(async (_c, next) => {
      await state.refresh?.();
      await next();
    });
  }
  // On each state-changing route, so a method the path does not have is still a 405.
  const json = requireJsonContentType(reply);

  api.post("/reset", json, async (c) => {
    const body = await readJsonBody(c, validators().reset, { optional: true });
    if (!body.ok) return reply(c, body.failure);
    await state.reset();
    return c.json({ reset: true });
  });

  api.get("/state", async (c) => c.json({ ...(await stateSnapshot(state, contract)), log: { dropped: deps.logger?.dropped?.() ?? 0 } }));

  api.post("/clock", json, async (c) => {
    const body = await readJsonBody(c, validators().clock);
    if (!body.ok) return reply(c, body.failure);
    const problem = exactlyOneClockField(body.value);
    if (problem) return reply(c, invalid(problem));
    const target = clockTarget(body.value, state, contract);
    if (!target.ok) return reply(c, target.failure);
    // set() rather than advance(): the target is computed and checked once, then applied as is.
    await state.clock.set(target.epochMs);
    return c.json({ now: isoInstant(state.clock.now()), clockOffsetMs: state.clock.offsetMs() });
  });

  api.get("/requests", async (c) => {
    const query = parseRequestsQuery(new URL(c.req.url).searchParams, validators());
    if (!query.ok) return reply(c, query.failure);
    // One page, never the whole journal: bounded in entries and in bytes, so reading it stays cheap.
    const { limit = DEFAULT_JOURNAL_PAGE, ...filter } = query.value;
    const page = await state.journal.page({ ...filter, limit, maxBytes: MAX_JOURNAL_PAGE_BYTES });
    return c.json({ requests: page.entries, total: page.total, next: page.next, capacity: state.journal.capacity, maxBytes: state.journal.maxBytes });
  });

  api.get("/faults", async (c) => c.json({ faults: await state.faults.list() }));
  api.post("/faults", json, async (c) => {
    const body = await readJsonBody(c, validators().fault);
    if (!body.ok) return reply(c, body.failure);
    try {
      return c.json(await state.faults.add(toFaultRule(body.value)), 201);
    } catch (error) {
      // The schema already checked every field, so what is left is the registry being full.
      if (error instanceof RangeError) return reply(c, invalid(error.message));
      throw error;
    }
  });
  api.delete("/faults", json, async (c) => {
    const cleared = (await state.faults.list()).length;
    await state.faults.clear();
    return c.json({ cleared });
  });

  api.put("/fixtures", json, async (c) => {
    const body = await readJsonBody(c, undefined, { maxBytes: fixturesMaxBytes, raiseWith: "--fixtures-max-size (MockOptions.fixturesMaxBytes)" });
    if (!body.ok) return reply(c, body.failure);
    const parsed = readFixtures(body.value);
    if (!parsed.ok) return reply(c, parsed.failure);
    // Only a fully valid document reaches here, so a bad one leaves the data in force untouched.
    const fixtures = parsed.value;
    await state.replaceFixtures(fixtures);
    return c.json({ businesses: fixtures.businesses.length, tokens: fixtures.tokens.length });
  });

  const compileChatValidators = addChatControl(api, {
    state,
    contract,
    readJson: (c, validate, maxBytes) => readJsonBody(c, validate, { maxBytes }),
    reply: (c, failure) => reply(c, failure),
    invalid,
    notFound: (message) => controlFailure(404, "CONTROL_NOT_FOUND", message),
  });
  deps.scheduleCompile?.(() => {
    validators();
    compileChatValidators();
  });

  api.all("*", (c) =>
    reply(
      c,
      controlFailure(
        404,
        "CONTROL_NOT_FOUND",
        `No control endpoint ${c.req.method} ${c.req.path}; there are /__mock/health, /reset, /state, /clock, /requests, /faults, /fixtures, /chats, /files, /quotas`,
      ),
    ),
  );

  return api;
}

function reply(c: Context, failure: MockFailure, headers?: Record<string, string>): Response {
  return c.json(errorBody(failure), failure.status as ContentfulStatusCode, headers);
}

/* ------------------------------------------------------------------------------------------ */
/* Access                                                                                      */
/* ------------------------------------------------------------------------------------------ */

const CONTROL_UNAUTHORIZED = controlFailure(401, "CONTROL_UNAUTHORIZED", "The control API needs the header Authorization: Bearer <control token>");

const controlForbidden = (address: string) =>
  controlFailure(
    403,
    "CONTROL_FORBIDDEN",
    `The control API answers loopback clients only (this one is ${address}); start the mock with --control-token (MockOptions.controlToken) to use it from elsewhere`,
  );


/**
 * With a control token: Hono's bearer auth (constant-time comparison), from any client. Without:
 * Hono's IP restriction to loopback clients; in-process requests (no peer address) count as local.
 */
function controlAccess(controlToken: string | undefined, remoteAddress: (c: Context) => string | undefined) {
  if (controlToken === "") {
    throw new RangeError("controlToken must be a non-empty string, or absent to allow loopback clients only");
  }
  if (controlToken !== undefined) {
    const challenge = 'Bearer realm="mock control API"';
    // A Response rather than a message: every refusal is a 401 (bearer auth's own is 400 for a malformed header).
    const unauthorized = { message: (c: Context) => reply(c, CONTROL_UNAUTHORIZED, { "WWW-Authenticate": challenge }), wwwAuthenticateHeader: challenge };
    return bearerAuth({
      verifyToken: (presented) => timingSafeEqualText(presented, controlToken),
      noAuthenticationHeader: unauthorized,
      invalidAuthenticationHeader: unauthorized,
      invalidToken: unauthorized,
    });
  }
  return ipRestriction(
    (c) => remoteAddress(c) ?? "127.0.0.1",
    // IPv4-mapped forms included: Hono's matcher handles them.
    { allowList: [...LOOPBACK_RANGES] },
    (remote, c) => reply(c, controlForbidden(remote.addr)),
  );
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Both sides hashed first: timingSafeEqual needs equal lengths, and a length check would leak the token's. */
function timingSafeEqualText(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/* ------------------------------------------------------------------------------------------ */
/* Inputs                                                                                      */
/* ------------------------------------------------------------------------------------------ */

type Read<T> = { ok: true; value: T } | { ok: false; failure: MockFailure };

/**
 * Reads a JSON body and checks it with `validate` (when given). With `optional`, an empty body
 * stands for `{}`, so `POST /__mock/reset` works with or without one.
 */
async function readJsonBody<T>(
  c: Context,
  validate: ValidateFunction<T> | undefined,
  options: { optional?: boolean; maxBytes?: number; raiseWith?: string } = {},
): Promise<Read<T>> {
  const body = await readBody(c.req.raw, options.maxBytes ?? MAX_CONTROL_BODY_BYTES);
  let value: unknown;
  // An empty body (as `curl -X POST` sends) stands for `{}` only where a body is optional.
  if (options.optional && body.empty) {
    value = {};
  } else {
    if (!acceptsMediaType(body.contentType, [JSON_MEDIA_TYPE])) {
      return { ok: false, failure: invalid(`Content-Type must be application/json, got ${body.contentType ? JSON.stringify(body.contentType) : "none"}`) };
    }
    if (body.tooLarge) {
      const raise = options.raiseWith === undefined ? "" : `; raise the bound with ${options.raiseWith}`;
      return { ok: false, failure: invalid(`request body is larger than ${options.maxBytes ?? MAX_CONTROL_BODY_BYTES} bytes${raise}`) };
    }
    if (!body.json) {
      return { ok: false, failure: invalid(`request body is not valid JSON: ${body.jsonError ?? "unreadable"}`) };
    }
    value = body.json.value;
  }
  if (validate && !validate(value)) {
    const [first] = toProblems(validate.errors);
    return { ok: false, failure: invalid(first ? describeProblem(first) : "(root) is invalid") };
  }
  return { ok: true, value: value as T };
}

/** The fixtures document of `PUT /__mock/fixtures`, validated like a `--fixtures` file. */
function readFixtures(data: unknown): Read<Fixtures> {
  try {
    return { ok: true, value: parseFixtures(data, "PUT /__mock/fixtures") };
  } catch (error) {
    if (error instanceof FixturesError) return { ok: false, failure: invalid(error.message) };
    throw error;
  }
}

/** Where `POST /__mock/clock` asks the clock to go, checked against what the mock can represent. */
function clockTarget(
  body: ClockBody,
  state: MockStore,
  contract: Contract,
): { ok: true; epochMs: number } | { ok: false; failure: MockFailure } {
  const pointer = body.advanceMs !== undefined ? "/advanceMs" : "/now";
  let epochMs: number;
  if (body.advanceMs !== undefined) epochMs = state.clock.now() + body.advanceMs;
  else if (typeof body.now === "number") epochMs = body.now;
  else {
    epochMs = Date.parse(body.now as string);
    // The format check passes a leap second (23:59:60) or 31 February, which Date cannot hold.
    if (Number.isNaN(epochMs)) return { ok: false, failure: invalid(`/now is not an instant this clock can hold: ${JSON.stringify(body.now)}`) };
  }
  const longestWindow = Math.max(...contract.operations.map((op) => state.quotaLimits(op.operationId).windowMs));
  const latest = LAST_HTTP_DATE_MS - longestWindow;
  if (epochMs < 0 || epochMs > latest) {
    return {
      ok: false,
      failure: invalid(
        `${pointer} would put the clock at ${describeInstant(epochMs)}; it must stay between ` +
          `1970-01-01T00:00:00.000Z and ${new Date(latest).toISOString()} (a quota window before the last HTTP date)`,
      ),
    };
  }
  return { ok: true, epochMs };
}

function describeInstant(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `${epochMs} ms` : date.toISOString();
}

/**
 * The journal query: each of businessId, status, limit, before at most once, as an integer in range.
 * Digit strings become numbers before the schema sees them; anything else stays a string so the
 * schema says "must be an integer".
 */
function parseRequestsQuery(params: URLSearchParams, validators: ControlValidators): Read<RequestsQuery> {
  // No prototype: `?__proto__=1` must be an unknown key like any other, not a prototype to set.
  const query: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) return { ok: false, failure: invalid(`query parameter ${name} is given ${values.length} times; give it once`) };
    const raw = values[0]!;
    query[name] = /^-?\d{1,20}$/.test(raw) ? Number(raw) : raw;
  }
  const validate = validators.requestsQuery;
  if (!validate(query)) {
    const [first] = toProblems(validate.errors);
    const name = (pointer: string) => (pointer === "" ? "the query" : `query parameter ${pointer.slice(1)}`);
    return { ok: false, failure: invalid(first ? describeProblem(first, name) : "query is invalid") };
  }
  return { ok: true, value: query };
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** `GET /__mock/state`: one entry per business of the fixtures in force, active or not. Instants in ISO 8601. */
async function stateSnapshot(state: MockStore, contract: Contract) {
  const now = state.clock.now();
  const operationIds = contract.operations.map((op) => op.operationId);
  // `quota` (top level and per business) is the first operation's, createChat's: `quotas` has each one.
  const main = operationIds[0] as string;
  const iso = isoInstant;
  const windowOf = async (operationId: string, businessId: number) => {
    const window = await state.quotaWindow(operationId, businessId);
    return window
      ? // `until` as X-RateLimit-Resource-Until says it: rounded up to the whole second.
        { used: window.used, remaining: window.remaining, until: iso(Math.ceil(window.until / 1000) * 1000), windowStart: iso(window.windowStart) }
      : { used: 0, remaining: state.quotaLimits(operationId).limit, until: null, windowStart: null };
  };
  const businesses = [];
  for (const business of state.fixtures().fixtures.businesses) {
    const quotas: Record<string, Awaited<ReturnType<typeof windowOf>>> = {};
    for (const operationId of operationIds) quotas[operationId] = await windowOf(operationId, business.id);
    businesses.push({
      businessId: business.id,
      model: business.model,
      quota: quotas[main],
      quotas,
      inFlight: await state.inFlight(business.id),
      chats: await Promise.all(
        (await state.chats.list(business.id)).map(async (chat) => {
          const { businessId: _, ...snapshot } = chatSnapshot(chat, await state.chats.messageCount(chat.chatId));
          return snapshot;
        }),
      ),
    });
  }
  return {
    now: iso(now),
    clockOffsetMs: state.clock.offsetMs(),
    quota: state.quotaLimits(main),
    operations: Object.fromEntries(operationIds.map((id) => [id, state.quotaLimits(id)])),
    businesses,
    faults: await state.faults.list(),
    parallel: { limit: state.parallelLimit ?? null },
  };
}
