/**
 * What an operation adds to the stages every operation shares (mock/stages/pipeline.ts): its own
 * rules and state changes, once the request has passed credentials, business, quota, faults and
 * the contract's parameter and body checks. One module per operation implements it; the registry
 * (operations/registry.ts) finds it by the contract's operationId.
 */
import type { components } from "../../generated/schema.js";
import type { Problem } from "../contract/schema-problems.js";
import type { BodyRead } from "./read-body.js";
import type { MockFailure } from "./errors.js";
import type { FaultRequest } from "../state/faults.js";
import type { BusinessFixture } from "../state/fixtures.js";
import type { MaybePromise, MockStore } from "../state/store.js";

/** What a handler is given: the request's checked values and the state. */
export interface OperationInput {
  business: BusinessFixture;
  /** Path and query parameters, checked against the contract and typed (an int64 past 2^53 is its digits, a string, as no record has it). */
  parameters: Record<string, unknown>;
  /** The body, checked against the contract's schema; undefined when the operation has none. */
  body: unknown;
  store: MockStore;
  /** The mock's "now" for this request (epoch ms). */
  now: number;
  /** The origin the request was sent to, e.g. `http://127.0.0.1:4010`: the base of URLs an answer names. */
  origin: string;
}

/** What a handler answers: a success body (status 200), or a failure in the API's shape. */
export type OperationOutcome = { ok: true; status?: number; body: unknown } | { ok: false; failure: MockFailure };

/** The error body the API answers with. */
export type ErrorResponseBody = components["schemas"]["ErrorResponse"];

export interface OperationHandler {
  /** The contract's operationId this module implements. */
  readonly operationId: string;
  /** Facts of a body not yet judged that a fault rule can match on (createChat: its context type). */
  faultFacts?(body: BodyRead): Partial<Pick<FaultRequest, "contextType">>;
  /** The operation's own failure for schema problems it words better than the generic one, if any. */
  refineBodyProblems?(problems: Problem[]): MockFailure | undefined;
  /** The operation itself. */
  handle(input: OperationInput): MaybePromise<OperationOutcome>;
}
