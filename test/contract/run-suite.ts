/**
 * Runs the contract cases against one target: anything that takes a Request and gives a Response.
 * Every answer is checked against openapi.yaml with the validator compiled from it, for the
 * operation the request is routed to. The cases run in order on one mock, later ones using what
 * earlier ones captured (chat ids, page tokens). (Prism's verdict on the same cases is the
 * conformance drive's job: conformance-drive.ts.)
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../mock/contract/load-contract.js";
import { compileValidator } from "../../mock/contract/validators.js";
import { withMatchers } from "./answer-matchers.js";
import { capture, contractCases, operationOf, toRequest, type Captured, type ContractCase } from "./cases.js";

export interface SuiteTarget {
  baseUrl: string;
  fetch(request: Request): Promise<Response>;
}

const contract = loadContract();
const validator = compileValidator(contract);
const RATE_LIMIT_HEADERS = ["x-ratelimit-resource-limit", "x-ratelimit-resource-remaining", "x-ratelimit-resource-until"];

export function runContractSuite(title: string, target: () => SuiteTarget): void {
  describe(title, () => {
    const captured: Captured = new Map();
    it.each(contractCases.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", async (_title, c: ContractCase) => {
      const t = target();
      const response = await t.fetch(toRequest(t.baseUrl, c.request, captured));
      const text = await response.text();
      const body: unknown = JSON.parse(text);

      expect(response.status, text).toBe(c.status);
      if (c.status >= 400) {
        expect(body).toMatchObject({ status: "ERROR" });
        const first = (body as { errors: Array<{ code: string; message: string }> }).errors[0];
        if (c.code) expect(first?.code).toBe(c.code);
        if (c.message) expect(first?.message).toMatch(c.message);
      } else {
        expect(body).toMatchObject({ status: "OK" });
      }
      if (c.answer !== undefined) expect(body).toMatchObject(withMatchers(c.answer, { string: expect.any(String), object: expect.any(Object) }) as object);
      capture(c, body, captured);

      // Every answer of an operation conforms to openapi.yaml (404 and 405 of routing are outside every operation).
      const operationId = operationOf(contract.operations, c.request);
      if (operationId !== undefined) expect(validator.operation(operationId).response({ status: response.status, body, headers: response.headers })).toEqual([]);
      else expect([404, 405]).toContain(response.status);

      const forced = c.request.headers?.Prefer !== undefined;
      for (const name of RATE_LIMIT_HEADERS) {
        if (c.counted) expect(response.headers.get(name), name).not.toBeNull();
        else if (!forced) expect(response.headers.get(name), name).toBeNull();
      }
    });
  });
}
