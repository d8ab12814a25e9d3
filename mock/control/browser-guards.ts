/**
 * What keeps a web page from driving the control API. A page in the developer's browser can send
 * CORS-simple requests to 127.0.0.1 (a `POST` with `Content-Type: text/plain`, or none) without a
 * preflight, and the browser sends them even though it hides the answer. So a control call that
 * carries a foreign `Origin` is refused (the mock's own /docs page, same origin, stays allowed), and
 * a state-changing one must say `Content-Type: application/json`, which no page can send without
 * a preflight the mock never grants.
 */
import type { Context, MiddlewareHandler } from "hono";
import { acceptsMediaType, JSON_MEDIA_TYPE } from "../contract/media-type.js";
import type { MockFailure } from "../stages/errors.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const forbidden = (code: string, message: string): MockFailure => ({ status: 403, errors: [{ code, message }] });

/** Answers a refusal in the API's error shape. */
export type RefuseWith = (c: Context, failure: MockFailure) => Response;

/** Refuses a control call whose `Origin` is not the mock's own. */
export function refuseForeignOrigin(refuse: RefuseWith): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !isSameOrigin(origin, c.req.url)) {
      return refuse(
        c,
        forbidden(
          "CONTROL_FOREIGN_ORIGIN",
          `The control API refuses calls from web pages of other origins (Origin: ${origin.slice(0, 100)}); call it from a test or a script, not a browser page`,
        ),
      );
    }
    await next();
  };
}

/** Refuses a state-changing control call (any method but GET and HEAD) without a JSON content type. */
export function requireJsonContentType(refuse: RefuseWith): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && !acceptsMediaType(c.req.header("content-type"), [JSON_MEDIA_TYPE])) {
      const got = c.req.header("content-type");
      return refuse(
        c,
        forbidden(
          "CONTROL_NEEDS_JSON",
          `${c.req.method} ${c.req.path} changes the mock's state, so it needs Content-Type: application/json (got ${got === undefined ? "none" : JSON.stringify(got.slice(0, 100))}), which a web page cannot send without the mock's consent`,
        ),
      );
    }
    await next();
  };
}

function isSameOrigin(origin: string, requestUrl: string): boolean {
  if (!URL.canParse(origin)) return false;
  return new URL(origin).origin === new URL(requestUrl).origin;
}
