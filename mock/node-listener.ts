/**
 * The mock's `node:http` request listener. createChat (a POST on the operation's path, with a plain
 * businessId segment) goes straight from Node's IncomingMessage to the pipeline and back to the
 * ServerResponse; everything else (the control API, /docs, 404s, 405s, paths that need URL
 * normalising) goes through Hono via @hono/node-server. Both reach the same pipeline and state.
 *
 * Why: the Fetch emulation of the adaptor (a Request, its Headers and web stream, a Response) and
 * Hono's context cost more CPU per request than all of the mock's own rules together (see
 * bench/NOTES.md); the hot path of a load test should not pay for them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { HttpBindings } from "@hono/node-server";
import type { MockApp } from "./app.js";
import { failures } from "./errors.js";
import { readIncomingBody } from "./incoming-body.js";
import { deferRedactedRawHeaders } from "./journal.js";
import { unjournaledErrorAnswer, type ApiAnswer, type ApiRequest } from "./pipeline.js";
import { headersFromRaw } from "./raw-headers.js";

export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

type HonoNodeServer = typeof import("@hono/node-server");
const requireHere = createRequire(import.meta.url);

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /** True once the server is closing: answers then say `Connection: close`. */
  closing?: () => boolean;
}

/**
 * A listener for `http.createServer` that serves the app.
 *
 * @example
 * const server = createServer(createNodeListener(createMockApp()));
 */
export function createNodeListener(app: MockApp, options: NodeListenerOptions = {}): NodeListener {
  const closing = options.closing ?? (() => false);
  const fast = operationPattern(app.pathTemplate);
  let viaHono: NodeListener | undefined;
  const honoListener = (): NodeListener => {
    if (viaHono !== undefined) return viaHono;
    // Loaded on the first request that needs it, not at start (createChat never does; it is a tenth
    // of the time to the first answer), and synchronously, through its CommonJS build: a dynamic
    // import would leave a gap in which a client that half-closes its socket gets no answer.
    const { getRequestListener } = requireHere("@hono/node-server") as HonoNodeServer;
    // The app reads the peer address from `env.incoming`, so the bindings are passed on.
    const listener = getRequestListener(async (request, env) => {
      const response = await app.fetch(request, env);
      // A request answered while closing says `Connection: close` and ends its connection;
      // kept alive, that connection would hold close() until the grace period runs out.
      if (closing()) (env as HttpBindings).outgoing.shouldKeepAlive = false;
      return response;
    });
    viaHono = (incoming, outgoing) => void listener(incoming, outgoing);
    return viaHono;
  };

  return (incoming, outgoing) => {
    const url = incoming.url ?? "";
    const match = incoming.method === "POST" ? fast.exec(url) : null;
    if (match === null) {
      honoListener()(incoming, outgoing);
      return;
    }
    app.pipeline.createChat(fromIncoming(incoming, outgoing, url, match[1] as string)).then(
      (answer) => write(outgoing, answer, closing()),
      // The pipeline answers its own errors; this is the last guard against a crashed process.
      (error: unknown) => write(outgoing, internalError(error), true),
    );
  };
}

/**
 * `/v2/businesses/{businessId}/chats/new` as a regular expression over the raw request target,
 * query allowed. The segment must be plain (no `%`, no `.`): anything that URL parsing would
 * decode or resolve (`%31`, `..`) goes through Hono, so both ways read every path alike.
 */
function operationPattern(pathTemplate: string): RegExp {
  const parts = pathTemplate.split(/\{\w+\}/);
  const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("([^/?#%.]+)")}(?:\\?|$)`);
}

function fromIncoming(incoming: IncomingMessage, outgoing: ServerResponse, url: string, businessId: string): ApiRequest {
  const headers = headersFromRaw(incoming.rawHeaders);
  const query = url.indexOf("?");
  // Read from arrival on, while the pipeline judges the headers: a client that leaves during an
  // injected latency destroys the request, and with it any body still unread.
  const body = readIncomingBody(incoming, headers.get("content-type"), headers.get("content-length"));
  return {
    method: "POST",
    path: query === -1 ? url : url.slice(0, query),
    businessId,
    headers,
    readBody: () => body,
    signal: () => disconnectSignal(incoming, outgoing),
    journalHeaders: deferRedactedRawHeaders(incoming.rawHeaders),
  };
}

/** Aborts when the client's connection closes before the answer is written. */
function disconnectSignal(incoming: IncomingMessage, outgoing: ServerResponse): AbortSignal {
  if (outgoing.destroyed || (incoming.destroyed && !incoming.complete)) return AbortSignal.abort();
  const controller = new AbortController();
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) controller.abort();
  });
  return controller.signal;
}

function write(outgoing: ServerResponse, answer: ApiAnswer, closing: boolean): void {
  if (outgoing.headersSent || outgoing.destroyed) return;
  if (closing) outgoing.shouldKeepAlive = false;
  // A copy: the answer's own headers are in the journal, which lists what the app set.
  outgoing.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.text) });
  outgoing.end(answer.text);
}

function internalError(error: unknown): ApiAnswer {
  return unjournaledErrorAnswer(failures.internal(error instanceof Error ? error.message : String(error)));
}
