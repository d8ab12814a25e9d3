/**
 * The mock on a real socket: @hono/node-server's request listener (the one transport adapter) in
 * a node:http server with bounded request timeouts and a graceful close. The app itself
 * (mock/app.ts) stays runnable with `app.fetch` alone, in-process and without a port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { createMockApp, type MockApp, type MockOptions } from "./app.js";
import { failures } from "./stages/errors.js";
import { unjournaledErrorAnswer } from "./stages/pipeline.js";
import { MAX_TIMER_MS } from "./state/clock.js";
import { createRedisStore } from "./state/redis/lazy.js";
import { toResponse } from "./http/answer.js";
import { journaledOn } from "./http/api-request.js";

/** Port the mock listens on unless told otherwise. */
export const DEFAULT_PORT = 4010;
/** Loopback only by default: the mock has no real security, so it is not exposed unless asked. */
export const DEFAULT_HOST = "127.0.0.1";

/**
 * How long close() lets requests already in flight (an injected latency, say) finish before it
 * cuts their connections, by default; short, because whoever closes a mock wants the process to end.
 */
export const DEFAULT_CLOSE_GRACE_MS = 1_000;
/** How long after start a server compiles its control API's validators: after its first answers. */
const CONTROL_COMPILE_DELAY_MS = 500;
/**
 * How long a client may take to send one whole request (headers and body), by default. Node's own
 * default is five minutes, checked every 30 s; a stalled upload would hold a connection (and an
 * in-flight slot) that long. The injected latency is not part of it: it runs after the request is in.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link startMockServer}: the app's options plus where to listen. */
export interface ServeOptions extends MockOptions {
  /** TCP port; 0 picks a free one (read it back from `RunningMock.port`). Default 4010. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** Grace close() gives requests in flight before it cuts them, in ms. Default {@link DEFAULT_CLOSE_GRACE_MS}. */
  closeGraceMs?: number;
  /**
   * Time a client has to send a whole request, in ms; past it Node answers 408 and closes the
   * connection. Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. Headers get the same bound.
   */
  requestTimeoutMs?: number;
  /**
   * Keeps the state in Redis at this URL (`redis://host:port/db`), shared with every mock started
   * with the same URL and prefix; close() then closes the connection. Ignored when `state` is given.
   * Default: the state in this process's memory.
   */
  storeUrl?: string;
  /** With `storeUrl`: the namespace of the keys. Default `createchat-mock`. */
  storePrefix?: string;
  /** With `storeUrl`: the longest one store call may take, in ms. Default 1 s. */
  storeTimeoutMs?: number;
  /** With `storeUrl`: how long an in-flight slot stays taken if its mock dies, in ms. Default 60 s. */
  storeLeaseMs?: number;
}

/** A mock listening on a socket. */
export interface RunningMock {
  /** Base URL, e.g. `http://127.0.0.1:4010` (no trailing slash). */
  url: string;
  host: string;
  /** The real port, also when 0 was asked for. */
  port: number;
  /** The app being served; `app.fetch` still works in-process. */
  app: MockApp;
  /**
   * Stops accepting connections, closes idle keep-alive ones at once and the rest after the grace
   * (`closeGraceMs`), and resolves when the socket is released. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** The socket could not be opened; `code` is Node's (EADDRINUSE, EACCES, ...). */
export class ListenError extends Error {
  readonly code: string | undefined;
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    super(`cannot listen on ${hostPort(host, port)}: ${describeListenFailure(cause)}`, { cause });
    this.name = "ListenError";
    this.code = cause.code;
    this.host = host;
    this.port = port;
  }
}

/**
 * Builds the mock app and serves it over HTTP/1.1; resolves once the socket is listening.
 *
 * @param options.port default 4010; 0 = a free port chosen by the OS.
 * @param options.host default 127.0.0.1.
 * @param options everything else goes to `createMockApp` (see MockOptions).
 * @throws RangeError for a port outside 0..65535; ListenError (rejection) when the socket cannot
 *   be opened, e.g. `cannot listen on 127.0.0.1:4010: address already in use (EADDRINUSE)`;
 *   StoreStartError (rejection) when `storeUrl` cannot be reached or holds other settings.
 * @example
 * const mock = await startMockServer({ port: 0 });
 * await fetch(`${mock.url}/v2/businesses/1001/chats/new`, { method: "POST", ... });
 * await mock.close();
 */
export async function startMockServer(options: ServeOptions = {}): Promise<RunningMock> {
  const {
    port = DEFAULT_PORT,
    host = DEFAULT_HOST,
    closeGraceMs = DEFAULT_CLOSE_GRACE_MS,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    storeUrl,
    storePrefix,
    storeTimeoutMs,
    storeLeaseMs,
    ...mockOptions
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  for (const [name, value] of [["closeGraceMs", closeGraceMs], ["requestTimeoutMs", requestTimeoutMs]] as const) {
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TIMER_MS) {
      throw new RangeError(`${name} must be an integer from 1 to ${MAX_TIMER_MS}, got ${String(value)}`);
    }
  }
  // The Redis client is loaded only here (state/redis/lazy.ts): a mock without a store never loads it.
  const ownStore =
    storeUrl === undefined || mockOptions.state !== undefined
      ? undefined
      : await createRedisStore({
          ...mockOptions,
          url: storeUrl,
          prefix: storePrefix,
          timeoutMs: storeTimeoutMs,
          leaseMs: storeLeaseMs,
        });
  let app: MockApp;
  let controlCompile: NodeJS.Timeout | undefined;
  try {
    // The address it is bound to is a host its clients may name, whatever it is.
    // The control API's validators are compiled a moment after start rather than at its first
    // call: compiled then, they stalled every client (a first journal read under load), and
    // compiled before listening they would delay the first answer.
    app = createMockApp({
      ...mockOptions,
      ...(ownStore === undefined ? {} : { state: ownStore }),
      allowedHosts: [...(mockOptions.allowedHosts ?? []), host],
      scheduleControlCompile: (compile) => {
        controlCompile = setTimeout(compile, CONTROL_COMPILE_DELAY_MS).unref();
      },
    });
  } catch (error) {
    await ownStore?.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const adapterOptions: { hostname?: string; errorHandler: (error: unknown) => Response } = { errorHandler: unreadableRequest };
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default), so it bounds their precision.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
    getRequestListener(
      async (request, env) => {
        const { outgoing } = env as HttpBindings;
        // A request that reaches the mock once it is closing (pipelined behind one in flight, say)
        // would never be answered: its connection ends with the answer before it. So it is not
        // handled at all (not counted, not journaled) and its connection is cut.
        if (closing !== undefined) {
          outgoing.destroy();
          return new Response(null, { status: 503 });
        }
        const response = await app.fetch(request, env);
        // The connection broke while this request was handled (a malformed chunked body, say): the
        // client got the transport's 400, not this answer, so the journal says what it got.
        const socket = (env as HttpBindings).incoming.socket;
        const broken = brokenBy.get(socket);
        const id = journaledOn.get(socket);
        if (broken !== undefined && id !== undefined) await app.state.journal.amend(id, broken);
        // A request answered while closing says `Connection: close` and ends its connection;
        // kept alive, that connection would hold close() until the grace period runs out.
        if (closing !== undefined) outgoing.shouldKeepAlive = false;
        return response;
      },
      adapterOptions,
    ),
  );
  // Node's own answer to a request it cannot parse is an empty `400 Bad Request`: this one is in
  // the API's shape, and it is what the journal then says the request in flight got.
  const brokenBy = new WeakMap<object, { status: number; response: { headers: Record<string, string>; body: unknown } }>();
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const own = NODE_CLIENT_ERRORS[error.code ?? ""];
    if (own !== undefined) {
      // A timeout (408) or headers too large (431): Node's answers, as Node writes them.
      if (socket.writable) socket.end(`HTTP/1.1 ${own}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
      return;
    }
    const reason = error.code === "HPE_INVALID_CHUNK_SIZE" ? "a malformed chunked body" : error.message;
    const answer = unjournaledErrorAnswer(failures.badRequest(`The request cannot be read: ${reason}`));
    brokenBy.set(socket, { status: answer.status, response: { headers: answer.headers, body: JSON.parse(answer.text) as unknown } });
    if (socket.writable && error.code !== "ECONNRESET") {
      const head = `HTTP/1.1 ${answer.status} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(answer.text)}\r\nConnection: close\r\n\r\n`;
      socket.end(head + answer.text);
    } else {
      socket.destroy();
    }
  });
  try {
    await listen(server, port, host);
  } catch (error) {
    await ownStore?.close();
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  // HTTP/1.0 allows a request without Host: it is then for this server, as if it had named it.
  adapterOptions.hostname = hostPort(host, actualPort);

  return {
    url: `http://${hostPort(host, actualPort)}`,
    host,
    port: actualPort,
    app,
    close() {
      clearTimeout(controlCompile);
      closing ??= closeServer(server, closeGraceMs).finally(() => ownStore?.close());
      return closing;
    },
  };
}

/** The client errors Node answers with its own status (its default `clientError` behaviour), by code. */
const NODE_CLIENT_ERRORS: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "413 Payload Too Large",
};

/**
 * A request the adapter cannot turn into a Fetch Request (a Host header that is no host, say):
 * still an answer in the API's error shape.
 */
function unreadableRequest(error: unknown): Response {
  const reason = error instanceof Error ? error.message : String(error);
  return toResponse(unjournaledErrorAnswer(failures.badRequest(`The request cannot be read: ${reason}`)));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(new ListenError(host, port, error));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Without this, a keep-alive connection a client left open holds close() (and the process)
    // for the keep-alive timeout; in-flight requests get `graceMs` to finish first.
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** `127.0.0.1:4010`, `[::1]:4010`: IPv6 literals need brackets in a URL authority (RFC 3986 §3.2.2). */
function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: "address already in use (EADDRINUSE)",
  EACCES: "permission denied (EACCES; ports below 1024 need privileges)",
  EADDRNOTAVAIL: "address not available on this machine (EADDRNOTAVAIL)",
  ENOTFOUND: "host name not found (ENOTFOUND)",
  EAI_AGAIN: "host name could not be resolved (EAI_AGAIN)",
};

function describeListenFailure(error: NodeJS.ErrnoException): string {
  return (error.code !== undefined ? LISTEN_FAILURES[error.code] : undefined) ?? error.message;
}
