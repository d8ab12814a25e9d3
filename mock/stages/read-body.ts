/**
 * Reading a request body: once, bounded (the read stops past the limit, never buffering more),
 * decoded as strict UTF-8 and parsed as JSON (integers past 2^53 keep their digits:
 * contract/exact-json.ts); a multipart body is kept as its bytes, for
 * http/multipart.ts. Judging it is stage 6 (mock/stages/body.ts), which also sets the limit of
 * each operation's media types from the contract.
 */
import { isUtf8 } from "node:buffer";
import { parseJsonExactly } from "../contract/exact-json.js";
import { mediaTypeOf } from "../contract/media-type.js";

/** The largest JSON body the mock reads (and the limit of any body the contract gives no size). */
export const MAX_BODY_BYTES = 64 * 1024;

const MAX_REASON_LENGTH = 200;

/** A body as read off the wire, before any verdict. */
export interface BodyRead {
  contentType: string | undefined;
  tooLarge: boolean;
  /** The limit it was read under, in bytes. */
  limitBytes?: number;
  /** The raw bytes of a multipart body, and of no other (its `text` stays empty: it is not decoded). */
  bytes?: Uint8Array;
  /** No bytes but white space (a body that is not UTF-8 is not empty: it has a `jsonError`). */
  empty: boolean;
  text: string;
  /** Set when `text` parsed as JSON; an integer beyond int64 reads as ±2^64 (contract/exact-json.ts). */
  json?: { value: unknown };
  /** Why it did not, in one bounded line (the parser's message may quote the body back). */
  jsonError?: string;
}

/**
 * Reads at most `maxBytes` of the body; never buffers more than that. A body the client cut off
 * (it closed the connection mid-upload) reads as one that is not JSON, so it ends as a 400
 * rather than as an internal error in the journal and the log.
 */
export async function readBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<BodyRead> {
  try {
    return await readBodyOnce(request, maxBytes);
  } catch {
    // Parsing and decoding failures are caught inside; what is left is the stream failing.
    return cutOffBody(request.headers.get("content-type") ?? undefined);
  }
}

/** The body of a request whose client closed the connection before sending all of it. */
export function cutOffBody(contentType: string | undefined): BodyRead {
  return { contentType, tooLarge: false, empty: false, text: "", jsonError: "the body was cut off: the client closed the connection" };
}

/** A body over the limit: not read, never buffered. */
export function tooLargeBody(contentType: string | undefined, limitBytes: number = MAX_BODY_BYTES): BodyRead {
  return { contentType, tooLarge: true, limitBytes, empty: false, text: "" };
}

async function readBodyOnce(request: Request, maxBytes: number): Promise<BodyRead> {
  const contentType = request.headers.get("content-type") ?? undefined;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return tooLargeBody(contentType, maxBytes);
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (Number.isInteger(declared)) {
    // A declared length within the limit is enforced by the HTTP parser; reading the whole body at
    // once skips web streams, which are the slow path on Node.
    const whole = new Uint8Array(await request.arrayBuffer());
    // In-process (app.fetch) nothing enforces the header, so the real size is checked too.
    if (whole.byteLength > maxBytes) return tooLargeBody(contentType, maxBytes);
    chunks.push(whole);
  } else if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLargeBody(contentType, maxBytes);
      }
      chunks.push(value);
    }
  }

  // One chunk (the usual case) is decoded where it lies.
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  if (isMultipart(contentType)) return { contentType, tooLarge: false, empty: bytes.byteLength === 0, text: "", bytes };
  return bodyFromBytes(contentType, bytes);
}

/** Whether the body is a multipart one, kept as bytes rather than decoded as text. */
export function isMultipart(contentType: string | undefined): boolean {
  return mediaTypeOf(contentType)?.startsWith("multipart/") ?? false;
}

/**
 * Decodes a whole body (strict UTF-8, a leading byte order mark dropped) and parses it as JSON;
 * shared by every way a body is read, so each reads the same bytes the same way.
 */
export function bodyFromBytes(contentType: string | undefined, bytes: Uint8Array): BodyRead {
  // isUtf8 is the strict check a fatal TextDecoder makes, without building a decoder per request.
  if (!isUtf8(bytes)) return { contentType, tooLarge: false, empty: false, text: "", jsonError: "it is not UTF-8 text" };
  // A leading byte order mark is dropped, as TextDecoder does.
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString("utf8");
  if (text.trim() === "") return { contentType, tooLarge: false, empty: true, text, jsonError: "the body is empty" };
  try {
    return { contentType, tooLarge: false, empty: false, text, json: { value: parseJsonExactly(text) } };
  } catch (error) {
    const reason = (error as Error).message.split("\n", 1)[0] ?? "";
    return { contentType, tooLarge: false, empty: false, text, jsonError: reason.slice(0, MAX_REASON_LENGTH) };
  }
}
