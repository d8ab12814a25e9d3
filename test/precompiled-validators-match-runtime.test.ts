/**
 * The request validators the build compiles to code (ajv's standalone mode, scripts/prebuild.ts)
 * judge every value exactly as the ones the mock compiles at run time: same verdict, same problems.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseJsonExactly } from "../mock/contract/exact-json.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { toProblems } from "../mock/contract/schema-problems.js";
import { validatorKey } from "../mock/contract/validator-key.js";
import { compileSchema, compileValidator } from "../mock/contract/validators.js";
import { standaloneValidatorsModule } from "../scripts/standalone-validators.js";

const contract = loadContract();
const modulePath = join(import.meta.dirname, `.precompiled-${process.pid}.tmp.mjs`);
writeFileSync(modulePath, standaloneValidatorsModule(contract, "test", "../mock/contract/int64.js"));
afterAll(() => rmSync(modulePath, { force: true }));

const built = (await import(modulePath)) as { precompiledValidators: { validators: Record<string, ValidateFunction> } };
const runtime = compileValidator({ ...contract, sha256: undefined });

const problemsOf = (validate: ValidateFunction, value: unknown) => (validate(value) ? [] : toProblems(validate.errors, "", value));

describe("validators compiled at build time", () => {
  it("cover every path and query parameter and every JSON body of the contract", () => {
    const expected = contract.operations.flatMap((op) => [
      ...op.parameters.filter((p) => p.in !== "header").map((p) => validatorKey(op.operationId, p)),
      ...(op.requestBody?.schemas.has("application/json") ? [validatorKey(op.operationId, "body")] : []),
    ]);
    expect(Object.keys(built.precompiledValidators.validators).sort()).toEqual(expected.sort());
  });

  it("give the problems the run-time ones give, for bodies of any shape (property)", () => {
    for (const op of contract.operations) {
      const validate = built.precompiledValidators.validators[validatorKey(op.operationId, "body")];
      if (validate === undefined) continue;
      const body = fc.oneof(
        fc.anything(),
        fc.record({ context: fc.record({ type: fc.constantFrom("ORDER", "RETURN", "X"), id: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 64)) }, { requiredKeys: [] }), orderId: fc.integer() }, { requiredKeys: [] }),
      );
      fc.assert(
        fc.property(body, (value) => {
          expect(problemsOf(validate, value)).toEqual(runtime.operation(op.operationId).requestBody(value));
        }),
        { numRuns: 500 },
      );
    }
  });

  it("refuse an integer beyond int64 read from a body, quoting its digits, and take 2^63 - 1, as the run-time ones do", () => {
    const validate = built.precompiledValidators.validators[validatorKey("createChat", "body")] as ValidateFunction;
    const runtimeBody = runtime.operation("createChat");
    const read = (text: string) => parseJsonExactly(text);
    for (const digits of ["9223372036854775808", "-9223372036854775809", "18446744073709551616"]) {
      const body = read(`{"context":{"type":"ORDER","id":${digits}},"orderId":${digits}}`);
      const problems = problemsOf(validate, body);
      expect(problems).toContainEqual({ pointer: "/context/id", keyword: "format", message: `${digits} is beyond the int64 range` });
      expect(problems).toContainEqual({ pointer: "/orderId", keyword: "format", message: `${digits} is beyond the int64 range` });
      expect(problems).toEqual(runtimeBody.requestBody(body));
    }
    const largest = read('{"context":{"type":"ORDER","id":9223372036854775807}}');
    expect(problemsOf(validate, largest)).toEqual([]);
    expect(runtimeBody.requestBody(largest)).toEqual([]);
  });

  it("give the problems the run-time ones give, for parameter values", () => {
    for (const op of contract.operations) {
      for (const parameter of op.parameters.filter((p) => p.in !== "header")) {
        const validate = built.precompiledValidators.validators[validatorKey(op.operationId, parameter)] as ValidateFunction;
        const atRuntime = compileSchema(contract, parameter.schema);
        for (const value of [0, 1, -1, 1.5, 2 ** 53, 2 ** 63, 2 ** 64, "1", "", null, true]) {
          expect(problemsOf(validate, value), String(value)).toEqual(atRuntime(value));
        }
      }
    }
  });
});
