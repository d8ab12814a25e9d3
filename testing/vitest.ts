/**
 * `expect(mock).toHaveReceived(criteria)` for vitest. Importing this module, in a test file or in
 * vitest's `setupFiles`, adds the matcher to vitest's `expect` and to its types. The check is
 * `verifyRequests`'s (market-createchat-mock/testing), which jest users register themselves:
 * `expect.extend({ toHaveReceived })`.
 *
 * @example
 * import "market-createchat-mock/vitest";
 * await expect(mock).toHaveReceived({ businessId: 1001, status: 200, count: { exactly: 1 } });
 * await expect(mock).not.toHaveReceived({ status: 500 });
 */
import { expect } from "vitest";
import { toHaveReceived, type RequestCriteria } from "./verify.js";

expect.extend({ toHaveReceived });

declare module "vitest" {
  // `T = any` repeats vitest's own declaration of Assertion: interfaces merge only with identical type parameters.
  interface Assertion<T = any> {
    /**
     * Passes when the mock's journal holds the expected count (default: at least one) of requests
     * matching `criteria`; fails with the near misses. Asynchronous: `await` it.
     */
    toHaveReceived(criteria?: RequestCriteria): Promise<void>;
  }
}

export { toHaveReceived };
export type { RequestCriteria } from "./verify.js";
