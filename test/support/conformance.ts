/** Checks an answer of the mock against openapi.yaml with the validator compiled from it. */
import { expect } from "vitest";
import { loadContract } from "../../mock/contract/load-contract.js";
import { compileValidator } from "../../mock/contract/validators.js";

const validator = compileValidator(loadContract()).operation("createChat");

/** Asserts the response (status, body, headers) is one the contract declares; returns the parsed body. */
export async function expectConformsToContract(response: Response): Promise<unknown> {
  const body: unknown = await response.clone().json();
  expect(validator.response({ status: response.status, body, headers: response.headers })).toEqual([]);
  return body;
}
