/**
 * An answer of the pipeline as a Response: JSON text and a plain header object, which
 * @hono/node-server writes to the socket as they are, without building Fetch Headers.
 */
import type { ApiAnswer } from "../stages/pipeline.js";

export function toResponse(answer: ApiAnswer): Response {
  return new Response(answer.text, { status: answer.status, headers: answer.headers });
}
