/**
 * Runs the contract cases against one target: anything that takes a Request and gives a Response.
 * Every answer is checked against openapi.yaml with the validator compiled from it. (Prism's
 * verdict on the same cases is the conformance drive's job: conformance-drive.ts.)
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../mock/contract/load-contract.js";
import { compileValidator } from "../../mock/contract/validators.js";
import { contractCases, toRequest, type ContractCase } from "./cases.js";

export interface SuiteTarget {
  baseUrl: string;
  fetch(request: Request): Promise<Response>;
}

const validator = compileValidator(loadContract()).operation("createChat");
const RATE_LIMIT_HEADERS = ["x-ratelimit-resource-limit", "x-ratelimit-resource-remaining", "x-ratelimit-resource-until"];

export function runContractSuite(title: string, target: () => SuiteTarget): void {
  describe(title, () => {
    it.each(contractCases.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", async (_title, c: ContractCase) => {
      const t = target();
      const response = await t.fetch(toRequest(t.baseUrl, c.request));
      const text = await response.text();
      const body: unknown = JSON.parse(text);

      expect(response.status, text).toBe(c.status);
      if (c.status >= 400) {
        expect(body).toMatchObject({ status: "ERROR" });
        const first = (body as { errors: Array<{ code: string; message: string }> }).errors[0];
        if (c.code) expect(first?.code).toBe(c.code);
        if (c.message) expect(first?.message).toMatch(c.message);
      } else {
        expect(body).toMatchObject({ status: "OK", result: { chatId: expect.any(Number) } });
      }

      // Every answer of the operation conforms to openapi.yaml (405 is routing, outside the operation).
      if (c.status !== 405) expect(validator.response({ status: response.status, body, headers: response.headers })).toEqual([]);

      const forced = c.request.headers?.Prefer !== undefined;
      for (const name of RATE_LIMIT_HEADERS) {
        if (c.counted) expect(response.headers.get(name), name).not.toBeNull();
        else if (!forced) expect(response.headers.get(name), name).toBeNull();
      }
    });
  });
}
