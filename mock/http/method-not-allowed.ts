/**
 * 405 for every app of the mock (API routes, control API, docs) the same way: Hono's
 * methodNotAllowed middleware finds the methods a path has, and the answer is in the API's
 * error shape with `Allow` naming them (HEAD wherever GET is).
 */
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { failures, type MockFailure } from "../stages/errors.js";

/** Makes the answer of a refused request from its failure and extra headers. */
export type RefusalAnswer<E extends Env> = (c: Context<E>, failure: MockFailure, headers: Record<string, string>) => Response | Promise<Response>;

/** The middleware, to `app.use` before the app's routes. */
export function answerMethodNotAllowed<E extends Env>(app: Hono<E>, answer: RefusalAnswer<E>): MiddlewareHandler<E> {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => answer(c, failures.methodNotAllowed(c.req.method, c.req.path, methods), { allow: methods.join(", ") }),
  });
}
