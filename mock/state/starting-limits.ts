/**
 * The quota each operation starts with, whatever store holds the state: its own entry of
 * `operationQuotas`, else the mock-wide `quota` and `windowMs`, else the contract's `x-rate-limit`.
 * `reset()` and `setQuotaLimits(id, undefined)` put these back.
 */
import type { Contract } from "../contract/load-contract.js";
import type { QuotaLimits } from "./store.js";

export interface StartingLimitsOptions {
  quota?: number;
  windowMs?: number;
  operationQuotas?: Record<string, Partial<QuotaLimits>>;
}

/** @throws RangeError when `operationQuotas` names an operation the contract does not have. */
export function startingQuotaLimits(contract: Contract, options: StartingLimitsOptions): Map<string, QuotaLimits> {
  for (const operationId of Object.keys(options.operationQuotas ?? {})) {
    if (!contract.operations.some((op) => op.operationId === operationId)) {
      throw new RangeError(`operationQuotas names ${operationId}, which is not an operation of the contract; it has ${contract.operations.map((op) => op.operationId).join(", ")}`);
    }
  }
  return new Map(
    contract.operations.map((operation) => {
      const own = options.operationQuotas?.[operation.operationId];
      const limit = own?.limit ?? options.quota ?? operation.rateLimit.requests;
      const windowMs = own?.windowMs ?? options.windowMs ?? operation.rateLimit.periodMs;
      return [operation.operationId, { limit, windowMs }];
    }),
  );
}
