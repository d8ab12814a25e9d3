/**
 * A first call: open a chat with the typed client and read the quota the answer reports.
 *
 *   npx tsx examples/first-call.ts                       # starts a mock of its own on a free port
 *   MOCK_URL=http://127.0.0.1:4010 npx tsx examples/first-call.ts   # or uses one already running
 *
 * In your project, import from the package instead of the sources:
 *   import { createChat, createMarketClient } from "market-createchat-mock/client";
 *   import { startMock } from "market-createchat-mock/testing";
 */
import { createChat, createMarketClient } from "../client/index.js";
import { startMock } from "../testing/index.js";

// A mock already running (the `createchat-mock` command in CI, say), else one of our own.
const own = process.env.MOCK_URL ? undefined : await startMock();
const baseUrl = process.env.MOCK_URL ?? own!.url;

try {
  const client = createMarketClient({ baseUrl, apiKey: "demo-all-methods" });
  const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
  if (!result.ok) {
    console.error(`createChat failed: HTTP ${result.status} ${result.errors.map((e) => e.code).join(", ")}`);
    process.exitCode = 1;
  } else {
    const { remaining, limit, until } = result.rateLimit;
    console.log(`chat ${result.chatId} opened; quota ${remaining}/${limit} left until ${until.toISOString()}`);
  }
} finally {
  await own?.stop();
}
