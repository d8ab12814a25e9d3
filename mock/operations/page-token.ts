/**
 * Page tokens of getChats and getChatHistory: opaque to clients, stable (the same query at the
 * same place gives the same token, also after a restart), and bound to their query. A token holds
 * the cursor (the last chat or message id of its page) and a digest of the query it was made for,
 * signed, so a token of another query, business or chat, or a changed one, is refused with a 400
 * rather than silently read as something else.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { MockFailure } from "../stages/errors.js";
import { chatFailures } from "./chat-failures.js";

// Not a secret: tokens only need to be told apart from edited ones, never kept from their holder.
const SIGNING_KEY = "market-chats-mock page token v1";
const SIGNATURE_BYTES = 12;

/** What a token belongs to: the operation and everything of the request that picks its items. */
export type PageQuery = readonly unknown[];

const sign = (payload: string) => createHmac("sha256", SIGNING_KEY).update(payload).digest().subarray(0, SIGNATURE_BYTES);
const digest = (query: PageQuery) => createHmac("sha256", SIGNING_KEY).update(JSON.stringify(query)).digest("base64url").slice(0, 16);

/** The token of the page after `cursor` in `query`. */
export function makePageToken(query: PageQuery, cursor: number): string {
  const payload = Buffer.from(JSON.stringify({ q: digest(query), c: cursor })).toString("base64url");
  return `${payload}.${sign(payload).toString("base64url")}`;
}

/**
 * The token a request sent: `pageToken`, or its alias `page_token`; both with different values is
 * a 400. `pointer` names the one given, for messages.
 */
export function givenPageToken(parameters: Record<string, unknown>): { ok: true; token?: string; pointer: string } | { ok: false; failure: MockFailure } {
  const token = parameters.pageToken as string | undefined;
  const alias = parameters.page_token as string | undefined;
  if (token !== undefined && alias !== undefined && token !== alias) {
    return { ok: false, failure: chatFailures.invalidPageToken("/page_token", "differs from pageToken; send one of the two") };
  }
  return token !== undefined ? { ok: true, token, pointer: "/pageToken" } : { ok: true, token: alias, pointer: "/page_token" };
}

/** The cursor of a token sent for `query`, or the 400 for a token that is not one of its tokens. */
export function readPageToken(token: string, query: PageQuery, pointer: string): { ok: true; cursor: number } | { ok: false; failure: MockFailure } {
  const refuse = (reason: string) => ({ ok: false as const, failure: chatFailures.invalidPageToken(pointer, reason) });
  const [payload, signature, ...rest] = token.split(".");
  if (payload === undefined || signature === undefined || rest.length > 0 || !/^[\w-]+$/.test(payload) || !/^[\w-]+$/.test(signature)) {
    return refuse("is not a page token of this API; send the nextPageToken of the previous page as it came");
  }
  // Compared as text: decoding would ignore stray trailing characters, and a token must come back exactly.
  const presented = Buffer.from(signature);
  const expected = Buffer.from(sign(payload).toString("base64url"));
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return refuse("has been changed or cut; send the nextPageToken of the previous page as it came");
  }
  let read: unknown;
  try {
    read = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return refuse("is not a page token of this API");
  }
  const { q, c } = (read ?? {}) as { q?: unknown; c?: unknown };
  if (typeof c !== "number" || !Number.isSafeInteger(c) || c < 0) return refuse("is not a page token of this API");
  if (q !== digest(query)) return refuse("was made for another query; send the token of the previous page of this one, with the same chat and body");
  return { ok: true, cursor: c };
}
