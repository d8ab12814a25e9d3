/**
 * Where the Redis store is: a `redis://` or `rediss://` URL (`redis://[[user]:password@]host[:port][/db]`),
 * parsed once, and the label error messages and `/__mock/health` show, which never carries the password.
 */

/** A parsed store URL. */
export interface StoreLocation {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** `redis://host:port/db`, credentials left out: safe to print and to answer with. */
  label: string;
}

/** Redis's default port. */
export const DEFAULT_REDIS_PORT = 6379;

/** What a store URL must look like, for error messages. */
export const STORE_URL_EXAMPLE = "redis://127.0.0.1:6379/0";

/**
 * Parses a store URL; throws RangeError saying what is wrong.
 *
 * @example parseStoreUrl("redis://127.0.0.1:6390/2") // { host: "127.0.0.1", port: 6390, db: 2, tls: false, label: "redis://127.0.0.1:6390/2" }
 */
export function parseStoreUrl(text: string): StoreLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`not a URL; expected one like ${STORE_URL_EXAMPLE}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new RangeError(`the scheme must be redis: or rediss:, got ${url.protocol}`);
  }
  // WHATWG URL keeps the brackets of an IPv6 literal; the socket wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new RangeError(`the URL names no host; expected one like ${STORE_URL_EXAMPLE}`);
  if (url.search !== "" || url.hash !== "") throw new RangeError("the URL may not have a query or a fragment");
  const path = url.pathname === "" || url.pathname === "/" ? "0" : url.pathname.slice(1);
  if (!/^\d{1,4}$/.test(path)) throw new RangeError(`the path must be a database number like /0, got ${url.pathname}`);
  const port = url.port === "" ? DEFAULT_REDIS_PORT : Number(url.port);
  const db = Number(path);
  const location: StoreLocation = {
    host,
    port,
    db,
    tls: url.protocol === "rediss:",
    label: `${url.protocol}//${url.host}/${db}`,
  };
  if (url.username !== "") location.username = decodeURIComponent(url.username);
  if (url.password !== "") location.password = decodeURIComponent(url.password);
  return location;
}

/** Key prefixes a store accepts: a short name, so keys stay readable and the hash tag stays whole. */
const PREFIX_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Throws RangeError unless `prefix` is 1-64 of `A-Z a-z 0-9 . _ : -`. */
export function checkStorePrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`a store prefix is 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':' and '-', got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}
