/**
 * Request logging for `--log pretty|json|silent`. Records are built from the request line and
 * the outcome only, never from headers or the query string, so a credential cannot reach a log.
 */

/** Output format chosen with `--log`. */
export type LogFormat = "pretty" | "json" | "silent";

/** Log formats, for CLI validation and help text. */
export const LOG_FORMATS: readonly LogFormat[] = ["pretty", "json", "silent"];

/** One handled request. */
export interface RequestLogRecord {
  /** When the request arrived, ISO 8601 (UTC). */
  time: string;
  method: string;
  /** URL path only, without the query string. */
  path: string;
  status: number;
  businessId?: number;
  durationMs: number;
  /** Whether the request was counted against the business's quota. */
  counted: boolean;
  /** The API error code of a 4xx/5xx answer. */
  errorCode?: string;
}

/** Where the mock reports the requests it answers. */
export interface Logger {
  request(record: RequestLogRecord): void;
  /** Records its output dropped so far, for a reader that went away or fell behind (GET /__mock/state). */
  dropped?(): number;
}

// A query string may carry secrets (`?access_token=`), so it is dropped even if a caller passes one.
function withoutQuery(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

// Keep one record on one line whatever a field holds; JSON.stringify already escapes these.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function formatDuration(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

/** One human-readable line: time, status, method, path, then what is known. */
export function formatPretty(record: RequestLogRecord): string {
  const parts = [record.time, String(record.status), record.method, withoutQuery(record.path)];
  if (record.businessId !== undefined) parts.push(`business=${record.businessId}`);
  if (record.errorCode !== undefined) parts.push(`error=${record.errorCode}`);
  if (!record.counted) parts.push("not-counted");
  parts.push(formatDuration(record.durationMs));
  return printable(parts.join(" "));
}

/** The line that says `count` records were dropped, in the log's format. */
export function droppedNotice(format: LogFormat, count: number, now: number): string {
  const message = `${count} log record${count === 1 ? " was" : "s were"} dropped while the log's reader was slow or gone`;
  return format === "json" ? JSON.stringify({ time: new Date(now).toISOString(), message, dropped: count }) : message;
}

/** One JSON object with the record's fields, in a fixed order (absent optional fields omitted). */
export function formatJson(record: RequestLogRecord): string {
  return JSON.stringify({
    time: record.time,
    method: record.method,
    path: withoutQuery(record.path),
    status: record.status,
    businessId: record.businessId,
    durationMs: record.durationMs,
    counted: record.counted,
    errorCode: record.errorCode,
  });
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Create a logger. `pretty`: one line per request, e.g.
 * `2026-11-25T12:00:00.000Z 200 POST /v2/businesses/1001/chats/new business=1001 12ms`
 * (then `error=<code>` and `not-counted` when they apply). `json`: one JSON object per line with
 * the record's fields. `silent`: nothing at all.
 *
 * @param write receives each line without a trailing newline; default: a line on process.stdout.
 * @param dropped how many lines `write` dropped so far (see log/bounded-output.ts), if it may drop.
 * @example const log = createLogger("json", (line) => lines.push(line));
 */
export function createLogger(format: LogFormat, write: (line: string) => void = writeStdout, dropped?: () => number): Logger {
  const counted = dropped === undefined ? {} : { dropped };
  switch (format) {
    case "silent":
      return { request() {} };
    case "json":
      return { request: (record) => write(formatJson(record)), ...counted };
    case "pretty":
      return { request: (record) => write(formatPretty(record)), ...counted };
    default: {
      const unknown: never = format;
      throw new RangeError(`log format must be one of ${LOG_FORMATS.join(", ")}, got ${String(unknown)}`);
    }
  }
}
