/**
 * Step 3 of the decision order: who is calling. `Api-Key` (the recommended scheme) wins over
 * `Authorization`; the deprecated OAuth token comes as `Bearer <token>` or the vendor's older
 * `OAuth oauth_token=<token>, oauth_client_id=<id>` form.
 */
import type { FixtureIndex, TokenFixture } from "../state/fixtures.js";
import { failures, type MockFailure } from "./errors.js";

/** Reads a request header by its lower-case name, as Fetch's `Headers.get` does. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

export type Authentication = { ok: true; token: TokenFixture } | { ok: false; failure: MockFailure };

/** Finds the caller's token and checks it carries one of `requiredScopes`. */
export function authenticate(headers: HeaderReader, fixtures: FixtureIndex, requiredScopes: readonly string[]): Authentication {
  const apiKey = headers.get("api-key")?.trim();
  const authorization = headers.get("authorization")?.trim();

  let token: TokenFixture | undefined;
  if (apiKey) {
    token = fixtures.token(apiKey, "api-key");
    if (!token) return { ok: false, failure: failures.unknownToken("Api-Key") };
  } else if (authorization) {
    const value = oauthToken(authorization);
    if (value === undefined) return { ok: false, failure: failures.malformedAuthorization() };
    token = fixtures.token(value, "oauth");
    if (!token) return { ok: false, failure: failures.unknownToken("Authorization") };
  } else {
    return { ok: false, failure: failures.noCredentials() };
  }

  if (!token.scopes.some((scope) => requiredScopes.includes(scope))) {
    return { ok: false, failure: failures.insufficientScope([...requiredScopes], token.scopes) };
  }
  return { ok: true, token };
}

/** The token of an `Authorization` header, or undefined when the header has neither accepted form. */
function oauthToken(header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const legacy = /^OAuth\s+(.*)$/i.exec(header);
  if (!legacy?.[1]) return undefined;
  const param = /(?:^|,)\s*oauth_token\s*=\s*"?([^",\s]+)"?/i.exec(legacy[1]);
  return param?.[1];
}
