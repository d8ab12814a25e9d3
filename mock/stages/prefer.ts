/**
 * Parses the `Prefer` request header (RFC 7240) the way Prism reads it: `code=NNN` forces a
 * declared status, `example=NAME` a named example. Other preferences are ignored, as the RFC asks.
 */

export interface Preference {
  /** The raw `code` value, checked against the contract by the negotiator. */
  code?: string;
  example?: string;
}

/** `Prefer: code=404, example=orderNotFound` → `{ code: "404", example: "orderNotFound" }`. */
export function parsePrefer(header: string | undefined | null): Preference {
  const preference: Preference = {};
  if (!header) return preference;
  for (const part of header.split(/[,;]/)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (key === "code") preference.code = value;
    else if (key === "example") preference.example = value;
  }
  return preference;
}
