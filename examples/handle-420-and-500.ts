/**
 * Resilient calls: the retry middleware rides out a server error, and the rate-limit guard turns a
 * spent quota into a typed RateLimitError, then refuses further calls locally until the window ends.
 *
 *   npx tsx examples/handle-420-and-500.ts
 *
 * In your project: import from "market-createchat-mock/client" and "market-createchat-mock/testing".
 */
import assert from "node:assert/strict";
import { createChat, createMarketClient, createRateLimitGuard, createRetry, RateLimitError } from "../client/index.js";
import { startMock } from "../testing/index.js";

const mock = await startMock({ quota: 5 });
try {
  // The guard follows the mock's virtual clock here, so moving that clock also ends the local refusal;
  // against the real API leave `clock` out (the system clock).
  let mockOffsetMs = 0;
  const guard = createRateLimitGuard({ clock: { now: () => Date.now() + mockOffsetMs } });
  const retry = createRetry({
    maxAttempts: 3,
    baseDelayMs: 50,
    onRetry: ({ attempt, status, delayMs }) => console.log(`retry: attempt ${attempt} after HTTP ${status}, in ${Math.round(delayMs)} ms`),
  });
  const client = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  // The guard outside, the retry inside: the guard sees only the answer the retries end with.
  client.use(guard, retry);
  const order = { context: { type: "ORDER", id: 11001 } } as const;

  // 500: the next two calls fail on the server's side; the retry makes them one successful call.
  await mock.control.fault({ status: 500, times: 2 });
  const recovered = await createChat(client, 1001, order);
  assert.ok(recovered.ok);
  console.log(`500 twice, then chat ${recovered.chatId}; quota left: ${recovered.rateLimit.remaining}`);

  // 420: spend the rest of the quota (5 per window here; the two failed attempts counted too),
  // then see how the guard answers.
  for (let left = recovered.rateLimit.remaining; left > 0; ) {
    const result = await createChat(client, 1001, order);
    assert.ok(result.ok);
    left = result.rateLimit.remaining;
  }
  let until: Date;
  try {
    await createChat(client, 1001, order);
    assert.fail("the quota should be spent");
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error;
    // The quota was spent by the call before, which said `Remaining: 0`: no request is sent.
    console.log(`420 (${error.kind}, ${error.local ? "refused locally" : "from the API"}): wait until ${error.until.toISOString()}`);
    assert.equal(error.kind, "hourly");
    assert.equal(error.local, true);
    until = error.until;
  }
  assert.equal((await mock.control.requests({ status: 420 })).length, 0);

  // Jump the mock's virtual clock to `until`: the window has ended, for the mock and the guard alike.
  mockOffsetMs = (await mock.control.setTime(until)).clockOffsetMs;
  const next = await createChat(client, 1001, order);
  assert.ok(next.ok);
  console.log(`a new window: chat ${next.chatId}; quota left: ${next.rateLimit.remaining}`);
} finally {
  await mock.stop();
}
