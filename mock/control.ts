/**
 * The control API under `/__mock`: what a test uses to steer the mock between API calls. It resets
 * the state, shows it, moves the clock, lists the request journal, injects faults and swaps the
 * fixtures. It is never counted in the quota nor journaled (app.ts skips it), only loopback clients
 * may use it unless a control token is set, and every bad input is a 400 that leaves state alone.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { ValidateFunction } from "ajv";
import { Hono, type Context, type Handler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { windowEndHttpDate } from "./clock.js";
import {
  compileControlValidators,
  describeProblem,
  exactlyOneClockField,
  toFaultRule,
  type ClockBody,
  type ControlValidators,
  type RequestsQuery,
} from "./control-schemas.js";
import { errorBody, type MockFailure } from "./errors.js";
import { FixturesError, parseFixtures, type Fixtures } from "./fixtures.js";
import { readBody } from "./request-body.js";
import type { Contract } from "./spec.js";
import type { MockState } from "./state.js";

/** What the control API works on, and who may use it. */
export interface ControlDeps {
  /** The mock's state, shared with the API routes. */
  state: MockState;
  /** The contract; its declared error statuses are the statuses a fault may answer with. */
  contract: Contract;
  /**
   * When set (non-empty), every control request needs `Authorization: Bearer <controlToken>`,
   * from any client, loopback included. When absent, only loopback clients are answered.
   */
  controlToken?: string;
  /** The package version `GET /__mock/health` reports. */
  version?: string;
  /** The peer's IP address when served over a socket; undefined in-process, which counts as local. */
  remoteAddress: (c: Context) => string | undefined;
}

/** The error code of every bad control input; the message names the field. */
export const INVALID_CONTROL_REQUEST = "INVALID_CONTROL_REQUEST";

/** Largest body of `POST /__mock/clock`, `/faults`, `/reset`: they are a few fields. */
const MAX_CONTROL_BODY_BYTES = 16 * 1024;
/** Largest fixtures document: room for tens of thousands of order ids, still bounded. */
const MAX_FIXTURES_BODY_BYTES = 8 * 1024 * 1024;
/**
 * The last instant an HTTP date can carry (RFC 9110 dates have four year digits). The clock may
 * not go past it less one quota window, or the rate-limit headers of the next request could not be written.
 */
const LAST_HTTP_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

type Method = "GET" | "POST" | "PUT" | "DELETE";

const controlFailure = (status: MockFailure["status"], code: string, message: string): MockFailure => ({
  status,
  errors: [{ code, message }],
});
const invalid = (message: string) => controlFailure(400, INVALID_CONTROL_REQUEST, message);

/**
 * Creates the control API as a Hono app, to mount under `/__mock`.
 * The validators are compiled once, on first use; the token's digest is taken here, once.
 *
 * Endpoints: `POST /reset`, `GET /state`, `POST /clock`, `GET /requests`, `GET|POST|DELETE /faults`,
 * `PUT /fixtures`. Unknown path → 404, wrong method → 405 with `Allow`, both in the API's error shape.
 *
 * @throws RangeError when `controlToken` is the empty string (it would protect nothing).
 * @example
 * app.route("/__mock", createControlApi({ state, contract, controlToken: process.env.MOCK_CONTROL_TOKEN, remoteAddress }));
 */
export function createControlApi(deps: ControlDeps): Hono {
  const { state, contract } = deps;
  // Compiled on the first control request, not at start: most runs never call the control API,
  // and compiling is a tenth of the time from start to the first answer.
  let compiled: ControlValidators | undefined;
  const validators = (): ControlValidators => (compiled ??= compileControlValidators(contract.statuses.filter((status) => status >= 400)));
  const checkAccess = createAccessCheck(deps.controlToken, deps.remoteAddress);
  const api = new Hono();

  // Hono keeps a mounted app's error handler, so even a bug here answers in the API's error shape.
  api.onError((error, c) => reply(c, controlFailure(500, "CONTROL_INTERNAL_ERROR", `Internal error of the control API: ${error.message}`)));

  // Readiness for scripts and orchestrators: no credentials, no state beyond "ok" and the version,
  // so it is answered before the access check (even under a control token).
  resource(api, "/health", {
    GET: (c) => c.json({ status: "ok", version: deps.version ?? "unknown" }),
  });

  // Access first, for every other path, so a client that may not steer the mock cannot probe it either.
  api.use("*", async function controlAccess(c, next) {
    const failure = checkAccess(c);
    if (failure) return reply(c, failure);
    await next();
  });

  resource(api, "/reset", {
    async POST(c) {
      const body = await readJsonBody(c, validators().reset, { optional: true });
      if (!body.ok) return reply(c, body.failure);
      state.reset();
      return c.json({ reset: true });
    },
  });

  resource(api, "/state", {
    GET: (c) => c.json(stateSnapshot(state)),
  });

  resource(api, "/clock", {
    async POST(c) {
      const body = await readJsonBody(c, validators().clock);
      if (!body.ok) return reply(c, body.failure);
      const problem = exactlyOneClockField(body.value);
      if (problem) return reply(c, invalid(problem));
      const target = clockTarget(body.value, state);
      if (!target.ok) return reply(c, target.failure);
      // set() rather than advance(): the target is computed and checked once, then applied as is.
      state.clock.set(target.epochMs);
      return c.json({ now: new Date(state.clock.now()).toISOString(), clockOffsetMs: state.clock.offsetMs() });
    },
  });

  resource(api, "/requests", {
    GET(c) {
      const query = parseRequestsQuery(new URL(c.req.url).searchParams, validators());
      if (!query.ok) return reply(c, query.failure);
      const { limit, ...filter } = query.value;
      const matching = state.journal.list(filter);
      return c.json({
        requests: limit === undefined ? matching : matching.slice(Math.max(0, matching.length - limit)),
        total: matching.length,
        capacity: state.journal.capacity,
      });
    },
  });

  resource(api, "/faults", {
    GET: (c) => c.json({ faults: state.faults.list() }),
    async POST(c) {
      const body = await readJsonBody(c, validators().fault);
      if (!body.ok) return reply(c, body.failure);
      let added;
      try {
        added = state.faults.add(toFaultRule(body.value));
      } catch (error) {
        // The schema already checked every field, so what is left is the registry being full.
        if (error instanceof RangeError) return reply(c, invalid(error.message));
        throw error;
      }
      return c.json(added, 201);
    },
    DELETE(c) {
      const cleared = state.faults.list().length;
      state.faults.clear();
      return c.json({ cleared });
    },
  });

  resource(api, "/fixtures", {
    async PUT(c) {
      const body = await readJsonBody(c, undefined, { maxBytes: MAX_FIXTURES_BODY_BYTES });
      if (!body.ok) return reply(c, body.failure);
      const parsed = readFixtures(body.value);
      if (!parsed.ok) return reply(c, parsed.failure);
      // Only a fully valid document reaches here, so a bad one leaves the data in force untouched.
      const fixtures = parsed.value;
      state.replaceFixtures(fixtures);
      return c.json({ businesses: fixtures.businesses.length, tokens: fixtures.tokens.length });
    },
  });

  api.all("*", (c) =>
    reply(
      c,
      controlFailure(
        404,
        "CONTROL_NOT_FOUND",
        `No control endpoint ${c.req.method} ${c.req.path}; there are /__mock/health, /reset, /state, /clock, /requests, /faults, /fixtures`,
      ),
    ),
  );

  return api;
}

/** Registers the handlers of one path, and a 405 naming the allowed methods for any other method. */
function resource(api: Hono, path: string, handlers: Partial<Record<Method, Handler>>): void {
  const methods = Object.keys(handlers) as Method[];
  for (const method of methods) api.on(method, path, handlers[method] as Handler);
  // Hono answers HEAD with the GET handler, so HEAD is allowed wherever GET is.
  const allow = methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m])).join(", ");
  api.all(path, (c) => {
    c.header("Allow", allow);
    return reply(
      c,
      controlFailure(405, "METHOD_NOT_ALLOWED", `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allow}`),
    );
  });
}

function reply(c: Context, failure: MockFailure): Response {
  return c.json(errorBody(failure), failure.status as ContentfulStatusCode);
}

/* ------------------------------------------------------------------------------------------ */
/* Access                                                                                      */
/* ------------------------------------------------------------------------------------------ */

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/**
 * Whether an address is the machine itself: 127.0.0.0/8, ::1, or IPv4-mapped ::ffff:127.x.
 * (BlockList matches IPv4-mapped IPv6 addresses against IPv4 rules.) Not an IP at all → false.
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 4 ? "ipv4" : "ipv6");
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

function createAccessCheck(
  controlToken: string | undefined,
  remoteAddress: (c: Context) => string | undefined,
): (c: Context) => MockFailure | undefined {
  if (controlToken === "") {
    throw new RangeError("controlToken must be a non-empty string, or absent to allow loopback clients only");
  }
  if (controlToken === undefined) {
    return (c) => {
      const address = remoteAddress(c);
      // undefined: the request came through app.fetch in this process, not over a socket.
      if (address === undefined || isLoopbackAddress(address)) return undefined;
      return controlFailure(
        403,
        "CONTROL_FORBIDDEN",
        `The control API answers loopback clients only (this one is ${address}); start the mock with --control-token (MockOptions.controlToken) to use it from elsewhere`,
      );
    };
  }
  // Both sides are hashed first: timingSafeEqual needs equal lengths, and comparing digests
  // does not reveal the token's length through an early length check.
  const expected = digest(controlToken);
  return (c) => {
    const presented = bearerToken(c.req.header("authorization"));
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return undefined;
    c.header("WWW-Authenticate", 'Bearer realm="mock control API"');
    return controlFailure(401, "CONTROL_UNAUTHORIZED", "The control API needs the header Authorization: Bearer <control token>");
  };
}

/** The credentials of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 9110 §11.1), else undefined. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*bearer[ \t]+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/* ------------------------------------------------------------------------------------------ */
/* Inputs                                                                                      */
/* ------------------------------------------------------------------------------------------ */

type Read<T> = { ok: true; value: T } | { ok: false; failure: MockFailure };

function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[^/]+\+json$/.test(mediaType);
}

/**
 * Reads a JSON body and checks it with `validate` (when given). With `optional`, an empty body
 * stands for `{}`, so `POST /__mock/reset` works with or without one.
 */
async function readJsonBody<T>(
  c: Context,
  validate: ValidateFunction<T> | undefined,
  options: { optional?: boolean; maxBytes?: number } = {},
): Promise<Read<T>> {
  const body = await readBody(c.req.raw, options.maxBytes ?? MAX_CONTROL_BODY_BYTES);
  let value: unknown;
  // An empty body (as `curl -X POST` sends) stands for `{}` only where a body is optional.
  if (options.optional && body.empty) {
    value = {};
  } else {
    if (!isJsonMediaType(body.contentType)) {
      return { ok: false, failure: invalid(`Content-Type must be application/json, got ${body.contentType ? JSON.stringify(body.contentType) : "none"}`) };
    }
    if (body.tooLarge) {
      return { ok: false, failure: invalid(`request body is larger than ${options.maxBytes ?? MAX_CONTROL_BODY_BYTES} bytes`) };
    }
    if (!body.json) {
      return { ok: false, failure: invalid(`request body is not valid JSON: ${body.jsonError ?? "unreadable"}`) };
    }
    value = body.json.value;
  }
  if (validate && !validate(value)) {
    const first = validate.errors?.[0];
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
  state: MockState,
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
  const latest = LAST_HTTP_DATE_MS - state.quota.windowMs;
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
 * The journal query: each of businessId, status, limit at most once, as an integer in range.
 * Digit strings become numbers before the schema sees them; anything else stays a string so the
 * schema says "must be an integer".
 */
function parseRequestsQuery(params: URLSearchParams, validators: ControlValidators): Read<RequestsQuery> {
  const query: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) return { ok: false, failure: invalid(`query parameter ${name} is given ${values.length} times; give it once`) };
    const raw = values[0]!;
    query[name] = /^-?\d{1,20}$/.test(raw) ? Number(raw) : raw;
  }
  const validate = validators.requestsQuery;
  if (!validate(query)) {
    const first = validate.errors?.[0];
    const name = (pointer: string) => (pointer === "" ? "the query" : `query parameter ${pointer.slice(1)}`);
    return { ok: false, failure: invalid(first ? describeProblem(first, name) : "query is invalid") };
  }
  return { ok: true, value: query };
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** `GET /__mock/state`: one entry per business of the fixtures in force, active or not. */
function stateSnapshot(state: MockState) {
  const now = state.clock.now();
  return {
    now: new Date(now).toISOString(),
    clockOffsetMs: state.clock.offsetMs(),
    quota: { limit: state.quota.limit, windowMs: state.quota.windowMs },
    businesses: state.fixtures().fixtures.businesses.map((business) => {
      const window = state.quota.peek(business.id);
      return {
        businessId: business.id,
        model: business.model,
        quota: window
          ? { used: window.used, remaining: window.remaining, until: windowEndHttpDate(window.until), windowStart: new Date(window.windowStart).toISOString() }
          : { used: 0, remaining: state.quota.limit, until: null, windowStart: null },
        inFlight: state.parallel.inFlight(business.id),
        chats: state.chats.list(business.id).map(({ chatId, context, createdAt }) => ({ chatId, context, createdAt })),
      };
    }),
    faults: state.faults.list(),
    parallel: { limit: state.parallel.limit ?? null },
  };
}
