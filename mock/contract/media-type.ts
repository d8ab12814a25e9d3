/**
 * The one media-type rule, for the API and the control API alike: a request's `Content-Type` must
 * name one of the media types the contract declares (compared case-insensitively, parameters
 * aside), and a `charset`, where given, must be UTF-8, the only encoding the mock decodes.
 */

/** The bare media type, lower case, without parameters: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string | undefined | null): string | undefined {
  if (contentType === undefined || contentType === null) return undefined;
  const bare = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return bare === "" ? undefined : bare;
}

/** The `charset` parameter, lower case and unquoted, if the header has one. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(";").slice(1)) {
    const eq = parameter.indexOf("=");
    if (eq < 0) continue;
    if (parameter.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    return parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1").toLowerCase();
  }
  return undefined;
}

/**
 * Whether `contentType` is acceptable for a body declared with `declared` media types.
 *
 * @example acceptsMediaType("application/json; charset=UTF-8", ["application/json"]) // true
 * @example acceptsMediaType("application/json; charset=latin1", ["application/json"]) // false
 */
export function acceptsMediaType(contentType: string | undefined | null, declared: readonly string[]): boolean {
  // The common case, without parsing.
  if (contentType === "application/json") return declared.includes(contentType);
  const bare = mediaTypeOf(contentType);
  if (bare === undefined || !declared.includes(bare)) return false;
  const charset = charsetOf(contentType as string);
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

/** The media type of every JSON body the mock reads or writes. */
export const JSON_MEDIA_TYPE = "application/json";
