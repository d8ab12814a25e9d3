/**
 * Request headers read straight from Node's raw header list (`IncomingMessage.rawHeaders`: name,
 * value, name, value, ...) with the Fetch standard's meaning, so a request served over a socket
 * reads the same as the same request given to `app.fetch`: lower-case names, values trimmed,
 * repeated headers joined with ", " (Cookie with "; "), HTTP/2 pseudo-headers left out.
 * Node's own `req.headers` differs: it keeps only the first of a repeated Content-Type or
 * Authorization, so a request with two would mean one thing here and another in-process.
 */

/** What the pipeline needs of a header collection; a Fetch `Headers` and a `Map` both qualify. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

/**
 * The raw list as a map of lower-case names to values, in arrival order.
 *
 * @example
 * headersFromRaw(["Content-Type", "application/json", "content-type", "text/plain"]).get("content-type");
 * // "application/json, text/plain"
 */
export function headersFromRaw(raw: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name.charCodeAt(0) === 58 /* ":" */) continue;
    const value = trimHttpWhitespace(raw[i + 1] as string);
    const earlier = values.get(name);
    values.set(name, earlier === undefined ? value : `${earlier}${name === "cookie" ? "; " : ", "}${value}`);
  }
  return values;
}

const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

// Tab, line feed, carriage return and space: what Headers strips from both ends of a value.
function trimHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  // Node's parser has trimmed already in nearly every case; skip the regex then.
  if (first > 32 && last > 32) return value;
  return value.replace(EDGE_WHITESPACE, "");
}
