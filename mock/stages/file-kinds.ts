/**
 * The kind of an uploaded file: its part's Content-Type, or, when the client sent none or the
 * generic `application/octet-stream` (what FormData sends for a Blob without a type, and curl for
 * an extension it does not know), the kind its file name's extension names.
 */

const GENERIC = "application/octet-stream";

/** Extensions of the kinds a chat file may commonly be, to the media type they name. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  zip: "application/zip",
  mp4: "video/mp4",
  exe: "application/x-msdownload",
  sh: "application/x-sh",
  js: "text/javascript",
  html: "text/html",
};

/**
 * The media type a file is judged by: `image/png` for a part sent as such, `application/pdf` for
 * `scan.PDF` sent as `application/octet-stream`; the generic type when neither tells more.
 */
export function fileKind(contentType: string, fileName: string): string {
  const bare = contentType.split(";", 1)[0]!.trim().toLowerCase();
  if (bare !== "" && bare !== GENERIC) return bare;
  const dot = fileName.lastIndexOf(".");
  const extension = dot < 0 ? "" : fileName.slice(dot + 1).toLowerCase();
  return BY_EXTENSION[extension] ?? GENERIC;
}
