/**
 * The failures of a networked state store, as the stages and the control API tell them apart from
 * the mock's own bugs: the store is down or slower than its timeout (answered 500
 * STATE_STORE_UNAVAILABLE), or it cannot be used at all when the mock starts (the CLI exits 2).
 */

/** The store did not answer a request's call in time, or refused it for want of resources. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  /** Where the store is, without credentials, e.g. `redis://127.0.0.1:6379/0`. */
  readonly location: string;
  /** What went wrong, e.g. `connection refused`, `no answer within 1000 ms`. */
  readonly reason: string;

  constructor(location: string, reason: string, options?: ErrorOptions) {
    super(`the state store ${location} is unavailable: ${reason}`, options);
    this.location = location;
    this.reason = reason;
  }
}

/** The store cannot be used when the mock starts: unreachable, or holding settings other replicas disagree with. */
export class StoreStartError extends Error {
  override readonly name = "StoreStartError";
}
