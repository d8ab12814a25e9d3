/**
 * Injected faults: rules set through the control API (`POST /__mock/faults`) that make the next
 * matching API requests answer with a chosen error status, optionally after a delay.
 */
import type { components } from "../../generated/schema.js";

/** The kind of chat a request is about, as the request body's `context.type` says. */
export type ContextType = components["schemas"]["ChatContextType"];

/** Which 420 a fault of that status imitates: a spent hourly quota, or too many requests in flight. */
export type RateLimitKind = "hourly" | "parallel";

/** Which requests a fault applies to; an absent field matches any value. */
export interface FaultMatch {
  businessId?: number;
  /** The contract's operationId, e.g. `createChat`. */
  operationId?: string;
  contextType?: ContextType;
}

/** A fault as the control API asks for it. */
export interface FaultRule {
  /** The HTTP status to answer with (the control API checks that the contract declares it). */
  status: number;
  /** How many matching requests get the fault: an integer >= 1; absent = until cleared. */
  times?: number;
  /** Restricts the fault to some requests; absent = every request. */
  match?: FaultMatch;
  /** Wait this long (ms, >= 0) before answering; default 0. */
  delayMs?: number;
  /** For status 420: which limit it imitates; default `hourly`. Ignored for other statuses. */
  kind?: RateLimitKind;
}

/** A fault in the registry. */
export interface ActiveFault {
  /** Increasing from 1; never reused, not even after clear(), so an old id never names a new rule. */
  id: number;
  status: number;
  /** Requests it will still apply to; null = until cleared. */
  remaining: number | null;
  /** Requests it has applied to so far. */
  hits: number;
  match: FaultMatch;
  delayMs: number;
  /** Set for status 420 only. */
  kind?: RateLimitKind;
}

/** The request facts a fault is matched against. */
export interface FaultRequest {
  businessId: number;
  operationId: string;
  /** undefined when the request does not tell (say, its body could not be parsed). */
  contextType?: ContextType;
}

/**
 * The most faults active at once. Every request walks the list, and a script that adds a rule per
 * test without clearing would otherwise grow it (and slow every request) without end.
 */
export const MAX_ACTIVE_FAULTS = 1_000;

/** The active faults, oldest first. */
export interface FaultRegistry {
  /**
   * Adds a rule after the existing ones; throws RangeError for a bad `times`, `delayMs` or
   * `status`, or when {@link MAX_ACTIVE_FAULTS} rules are already active.
   */
  add(rule: FaultRule): ActiveFault;
  /** First (oldest) rule matching the request; consumes one of its `times` and drops it when spent. */
  take(request: FaultRequest): ActiveFault | undefined;
  /** The active faults, oldest first (copies: changing them changes nothing here). */
  list(): ActiveFault[];
  /** Removes every fault. */
  clear(): void;
}

/**
 * Creates an empty fault registry. Rules apply oldest first, so a specific rule added after a
 * catch-all one only applies once the catch-all is spent.
 *
 * A rule with `match.contextType` does not match a request whose context type is unknown: a fault
 * meant for returns must not fire on a request that might be about an order.
 *
 * @example
 * const faults = createFaultRegistry();
 * faults.add({ status: 500, times: 2, match: { businessId: 42 } });
 * faults.take({ businessId: 42, operationId: "createChat", contextType: "ORDER" }); // { status: 500, remaining: 1, hits: 1, ... }
 */
export function createFaultRegistry(): FaultRegistry {
  let nextId = 1;
  let faults: ActiveFault[] = [];

  return {
    add(rule: FaultRule): ActiveFault {
      const checked = checkFaultRule(rule);
      if (faults.length >= MAX_ACTIVE_FAULTS) throw registryFull();
      const fault: ActiveFault = { id: nextId++, ...checked };
      faults.push(fault);
      return copyFault(fault);
    },
    take(request: FaultRequest): ActiveFault | undefined {
      const index = faults.findIndex((fault) => matches(fault.match, request));
      const fault = faults[index];
      if (fault === undefined) return undefined;
      fault.hits += 1;
      if (fault.remaining !== null) {
        fault.remaining -= 1;
        if (fault.remaining === 0) faults.splice(index, 1);
      }
      return copyFault(fault);
    },
    list(): ActiveFault[] {
      return faults.map(copyFault);
    },
    clear(): void {
      faults = [];
    },
  };
}

/**
 * A rule as the registry keeps it, before it gets an id: checked, defaults applied, `kind` only for
 * 420. Throws RangeError for a bad `status`, `times` or `delayMs`. Every registry (in memory, or a
 * shared store's) takes rules through it, so they refuse and default alike.
 */
export function checkFaultRule(rule: FaultRule): Omit<ActiveFault, "id"> {
  const { status, times, delayMs = 0 } = rule;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`fault status must be an HTTP status code (100-599), got ${String(status)}`);
  }
  if (times !== undefined && (!Number.isSafeInteger(times) || times < 1)) {
    throw new RangeError(`fault times must be an integer >= 1 (or absent for until cleared), got ${String(times)}`);
  }
  if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`fault delayMs must be a finite number of ms >= 0, got ${String(delayMs)}`);
  }
  const fault: Omit<ActiveFault, "id"> = { status, remaining: times ?? null, hits: 0, match: copyMatch(rule.match), delayMs };
  if (status === 420) fault.kind = rule.kind ?? "hourly";
  return fault;
}

/** The refusal of a rule past {@link MAX_ACTIVE_FAULTS}. */
export function registryFull(): RangeError {
  return new RangeError(`at most ${MAX_ACTIVE_FAULTS} faults can be active at once; clear some first (DELETE /__mock/faults)`);
}

function matches(match: FaultMatch, request: FaultRequest): boolean {
  if (match.businessId !== undefined && match.businessId !== request.businessId) return false;
  if (match.operationId !== undefined && match.operationId !== request.operationId) return false;
  if (match.contextType !== undefined && match.contextType !== request.contextType) return false;
  return true;
}

// Only the known fields, and only when set, so `list()` serialises without `"businessId": undefined`.
function copyMatch(match: FaultMatch | undefined): FaultMatch {
  const copy: FaultMatch = {};
  if (match?.businessId !== undefined) copy.businessId = match.businessId;
  if (match?.operationId !== undefined) copy.operationId = match.operationId;
  if (match?.contextType !== undefined) copy.contextType = match.contextType;
  return copy;
}

function copyFault(fault: ActiveFault): ActiveFault {
  return { ...fault, match: copyMatch(fault.match) };
}
