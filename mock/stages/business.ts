/**
 * Step 4 of the decision order: the `businessId` path parameter. It must be valid by its schema
 * in the contract (an int64 ≥ 1), known to the fixtures, and open to the token.
 */
import type { DeclaredParameter } from "../contract/load-contract.js";
import type { OperationValidator } from "../contract/validators.js";
import type { BusinessFixture, FixtureIndex, TokenFixture } from "../state/fixtures.js";
import { failures, type MockFailure } from "./errors.js";

export type BusinessAccess = { ok: true; business: BusinessFixture } | { ok: false; failure: MockFailure; businessId?: number };

/** The name of the path parameter every operation of this API is counted by. */
export const BUSINESS_ID = "businessId";

/** The operation's businessId parameter; throws at start for an operation without one. */
export function businessIdParameter(validator: OperationValidator): DeclaredParameter {
  const parameter = validator.operation.parameters.find((p) => p.in === "path" && p.name === BUSINESS_ID);
  if (parameter === undefined) {
    throw new Error(`openapi.yaml: ${validator.operation.operationId} has no ${BUSINESS_ID} path parameter; the mock counts every operation per business`);
  }
  return parameter;
}

/** Resolves the raw path segment to a business the token may use. */
export function resolveBusiness(
  raw: string,
  token: TokenFixture,
  fixtures: FixtureIndex,
  validator: OperationValidator,
  parameter: DeclaredParameter,
): BusinessAccess {
  const { problems, value } = validator.parameter(parameter, raw);
  if (problems.length > 0) return { ok: false, failure: failures.invalidParameter(problems) };
  const business = typeof value === "number" ? fixtures.business(value) : undefined;
  if (!business) return { ok: false, failure: failures.businessNotFound(raw) };
  if (!fixtures.tokenMayAccess(token, business.id)) {
    return { ok: false, failure: failures.businessAccessDenied(business.id), businessId: business.id };
  }
  return { ok: true, business };
}
