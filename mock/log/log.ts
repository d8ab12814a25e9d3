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

/** Where the mock reports what it does. */
export interface Logger {
  request(record: RequestLogRecord): void;
  info(message: string): void;
  /** True when the logger writes nothing, so callers may skip building records for it. Default false. */
  readonly silent?: boolean;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Clock for the `time` of `info` lines (json format); default `Date.now`. */
  now?: () => number;
}

/**
 * Build a log record from a request and its outcome. Takes only the method and the URL's
 * path: headers (`Api-Key`, `Authorization`) and the query string never enter the record.
 *
 * @example requestLogRecord({ request, status: 200, startedAtMs, endedAtMs, counted: true, businessId: 1001 })
 */
export function requestLogRecord(input: {
  request: Request;
  status: number;
  startedAtMs: number;
  endedAtMs: number;
  counted: boolean;
  businessId?: number;
  errorCode?: string;
}): RequestLogRecord {
  const record: RequestLogRecord = {
    time: new Date(input.startedAtMs).toISOString(),
    method: input.request.method,
    path: new URL(input.request.url).pathname,
    status: input.status,
    durationMs: Math.max(0, input.endedAtMs - input.startedAtMs),
    counted: input.counted,
  };
  if (input.businessId !== undefined) record.businessId = input.businessId;
  if (input.errorCode !== undefined) record.errorCode = input.errorCode;
  return record;
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
 * (then `error=<code>` and `not-counted` when they apply); info messages as they are.
 * `json`: one JSON object per line (requests: the record's fields; info: `{time, message}`).
 * `silent`: nothing at all.
 *
 * @param write receives each line without a trailing newline; default: a line on process.stdout.
 * @param options.now clock for info lines in json; default `Date.now`.
 * @example const log = createLogger("json", (line) => lines.push(line));
 */
export function createLogger(format: LogFormat, write: (line: string) => void = writeStdout, options: LoggerOptions = {}): Logger {
  const now = options.now ?? Date.now;
  switch (format) {
    case "silent":
      return { request() {}, info() {}, silent: true };
    case "json":
      return {
        request: (record) => write(formatJson(record)),
        info: (message) => write(JSON.stringify({ time: new Date(now()).toISOString(), message })),
      };
    case "pretty":
      return {
        request: (record) => write(formatPretty(record)),
        // A multi-line message (a start-up banner) stays multi-line, one write per line.
        info: (message) => message.split(/\r?\n/).forEach((line) => write(printable(line))),
      };
    default: {
      const unknown: never = format;
      throw new RangeError(`log format must be one of ${LOG_FORMATS.join(", ")}, got ${String(unknown)}`);
    }
  }
}
