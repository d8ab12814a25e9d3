/**
 * Reads a request body straight off Node's `IncomingMessage`, for the socket's fast path
 * (mock/node-listener.ts): the same limit and the same decoding as `readBody` gives `app.fetch`
 * (both end in `bodyFromBytes`), without building a Fetch Request and its web stream.
 */
import type { IncomingMessage } from "node:http";
import { bodyFromBytes, cutOffBody, MAX_BODY_BYTES, tooLargeBody, type BodyRead } from "./request-body.js";

/**
 * Reads at most `maxBytes`; never buffers more. A declared length over the limit is not read at
 * all (Node discards the rest once the answer is sent). A client that closes the connection
 * mid-body gives a cut-off body (a 400 later), never a promise left pending.
 */
export function readIncomingBody(
  incoming: IncomingMessage,
  contentType: string | undefined,
  contentLength: string | undefined,
  maxBytes = MAX_BODY_BYTES,
): Promise<BodyRead> {
  if (contentLength !== undefined && Number(contentLength) > maxBytes) return Promise.resolve(tooLargeBody(contentType));
  // Destroyed before the read began: whatever was buffered is gone.
  if (incoming.destroyed) return Promise.resolve(cutOffBody(contentType));

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (body: BodyRead) => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onCut);
      incoming.off("close", onClose);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        settle(tooLargeBody(contentType));
        // Drain the rest unread, so the connection can still carry the answer.
        incoming.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(bodyFromBytes(contentType, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    const onCut = () => settle(cutOffBody(contentType));
    // 'close' before 'end' means the body never arrived whole.
    const onClose = () => {
      if (!incoming.complete) onCut();
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onCut);
    incoming.on("close", onClose);
  });
}
