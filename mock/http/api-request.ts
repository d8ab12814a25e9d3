/**
 * The pipeline's view of a request that Hono routed to an operation. Over a socket the request is
 * @hono/node-server's lightweight one: its headers are read from Node's parsed headers and its
 * body straight from the socket, without building Fetch objects; in-process it is the caller's
 * Fetch Request. Either way this module only uses the Fetch API and Hono's context.
 */
import type { Context } from "hono";
import type { ApiRequest } from "../stages/pipeline.js";
import { boundedHeaderList, redactHeaderList } from "../state/journal.js";
import { readBody } from "../stages/read-body.js";

/** Node's request, where @hono/node-server passes it in the context's bindings. */
interface NodeBindings {
  incoming?: { rawHeaders?: string[]; socket?: { remoteAddress?: string } };
}

const incomingOf = (c: Context): NodeBindings["incoming"] => (c.env as NodeBindings | undefined)?.incoming;

/** The request as the pipeline reads it. */
export function apiRequest(c: Context): ApiRequest {
  const request = c.req.raw;
  return {
    method: c.req.method,
    path: c.req.path,
    pathParams: c.req.param() as Record<string, string>,
    query: () => new URL(request.url).searchParams,
    headers: request.headers,
    readBody: (maxBytes) => readBody(request, maxBytes),
    origin: () => new URL(request.url).origin,
    signal: () => request.signal,
    ...journalHeadersOf(c),
    journaled: (id) => {
      const socket = incomingOf(c)?.socket;
      if (socket !== undefined) journaledOn.set(socket, id);
    },
  };
}

/** The journal id of the latest API request journaled on each connection (see server.ts). */
export const journaledOn = new WeakMap<object, number>();

/**
 * The request's headers for the journal, bounded (large ones kept as previews, see
 * `boundedHeaderList`) and redacted when it is read. Over a socket only Node's raw header list is
 * kept, not the request: holding the request would hold its socket and response too.
 */
function journalHeadersOf(c: Context): Pick<ApiRequest, "journalHeaders" | "journalHeadersChars"> {
  const raw = incomingOf(c)?.rawHeaders ?? [...c.req.raw.headers].flat();
  const { list, chars } = boundedHeaderList(raw);
  return { journalHeaders: () => redactHeaderList(list), journalHeadersChars: chars };
}

/** The peer's address when served over a socket; undefined in-process (`app.fetch`). */
export function remoteAddress(c: Context): string | undefined {
  return incomingOf(c)?.socket?.remoteAddress;
}
