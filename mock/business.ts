/**
 * Step 4 of the decision order: the `businessId` path parameter. It must be a valid int64 ≥ 1
 * (checked by the validator compiled from the contract), known to the fixtures, and open to the token.
 */
import { failures, type MockFailure } from "./errors.js";
import type { BusinessFixture, FixtureIndex, TokenFixture } from "./fixtures.js";
import type { ContractValidator } from "./validator.js";

export type BusinessAccess = { ok: true; business: BusinessFixture } | { ok: false; failure: MockFailure; businessId?: number };

/** Resolves the raw path segment to a business the token may use. */
export function resolveBusiness(
  raw: string,
  token: TokenFixture,
  fixtures: FixtureIndex,
  validator: ContractValidator,
): BusinessAccess {
  const { problems, value } = validator.businessId(raw);
  if (problems.length > 0) return { ok: false, failure: failures.invalidBusinessId(problems) };
  const business = value === undefined ? undefined : fixtures.business(value);
  if (!business) return { ok: false, failure: failures.businessNotFound(raw) };
  if (!token.businesses.includes(business.id)) {
    return { ok: false, failure: failures.businessAccessDenied(business.id), businessId: business.id };
  }
  return { ok: true, business };
}
