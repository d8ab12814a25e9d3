/**
 * A `multipart/form-data` body, already read within its bound (http/request-body.ts), parsed by the
 * Fetch API's own `formData()` (undici's parser, the one Node ships) into parts; and the short
 * preview of a multipart body the journal keeps instead of its bytes.
 */
import type { BodyRead } from "./read-body.js";

/** A part that carries a file (it has a `filename`). */
export interface FilePart {
  kind: "file";
  /** The form field's name, e.g. `file`. */
  name: string;
  filename: string;
  /** The part's Content-Type, lower case; `application/octet-stream` when the client sent none. */
  contentType: string;
  bytes: Uint8Array;
}

/** A plain form field. */
export interface FieldPart {
  kind: "field";
  name: string;
  value: string;
}

export type Part = FilePart | FieldPart;

export type MultipartRead = { ok: true; parts: Part[] } | { ok: false; reason: string };

/** Parses a read multipart body; a body that is not multipart by its own boundary is refused with why. */
export async function parseMultipart(body: BodyRead): Promise<MultipartRead> {
  const contentType = body.contentType ?? "";
  if (!/;\s*boundary=/i.test(contentType)) return { ok: false, reason: "its Content-Type has no boundary parameter" };
  let form: FormData;
  try {
    const bytes = (body.bytes ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>;
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    // undici says only "Failed to parse body as FormData"; the likely causes are these.
    return { ok: false, reason: "its parts cannot be read (a missing or wrong boundary, or a part without headers)" };
  }
  const parts: Part[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") parts.push({ kind: "field", name, value });
    else parts.push({ kind: "file", name, filename: value.name, contentType: (value.type || "application/octet-stream").toLowerCase(), bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return { ok: true, parts };
}

/** What the journal shows of a multipart body: its size and, once parsed, each part without its bytes. */
export interface MultipartPreview {
  multipart: { bytes: number; parts?: Array<{ name: string; filename?: string; contentType?: string; size: number }> };
}

const MAX_PREVIEW_PARTS = 20;

export function multipartPreview(body: BodyRead, parts: readonly Part[] | undefined): MultipartPreview {
  const preview: MultipartPreview = { multipart: { bytes: body.bytes?.byteLength ?? 0 } };
  if (parts !== undefined) {
    preview.multipart.parts = parts.slice(0, MAX_PREVIEW_PARTS).map((part) =>
      part.kind === "file"
        ? { name: part.name, filename: part.filename, contentType: part.contentType, size: part.bytes.byteLength }
        : { name: part.name, size: part.value.length },
    );
  }
  return preview;
}
