/**
 * Chooses the response a `Prefer` header forces: a pure function from the operation and the
 * preference to a status, a body and headers, all taken from the contract's own examples so the
 * answer is valid by construction (the tests check it against the schemas anyway).
 */
import type { Operation } from "../contract/load-contract.js";
import { failures, type MockFailure } from "./errors.js";
import type { Preference } from "./prefer.js";

export interface ForcedResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** `undefined` when the request forces nothing; a failure when it forces something undeclared. */
export function negotiateForced(operation: Operation, preference: Preference): ForcedResponse | MockFailure | undefined {
  const { code, example } = preference;
  if (code === undefined && example === undefined) return undefined;

  let status: number | undefined;
  if (code !== undefined) {
    status = /^\d{3}$/.test(code) ? Number(code) : undefined;
    if (status === undefined || !operation.responses.has(status)) return failures.undeclaredPreferCode(code, operation.statuses);
  }

  const candidates = status === undefined ? operation.statuses : [status];
  for (const s of candidates) {
    const declared = operation.responses.get(s);
    if (!declared) continue;
    const name = example ?? declared.examples.keys().next().value;
    if (name === undefined || !declared.examples.has(name)) continue;
    const headers: Record<string, string> = {};
    for (const h of declared.headers) if (h.required && h.example !== undefined) headers[h.name] = String(h.example);
    return { status: s, body: declared.examples.get(name), headers };
  }

  const known = candidates.flatMap((s) => [...(operation.responses.get(s)?.examples.keys() ?? [])]);
  return failures.unknownPreferExample(example ?? "", status, known);
}
