/**
 * Two mocks in one test process on one Redis, as `startMock` options: what the CLI's --store gives,
 * from code. Run with a Redis of your own (docs/replicas.md starts one):
 *
 *   REDIS_URL=redis://127.0.0.1:6390/0 npx tsx examples/replicas/start-mock-on-redis.ts
 *
 * In your project, import from the package instead of the sources:
 *   import { createChat, createMarketClient } from "market-createchat-mock/client";
 *   import { startMock } from "market-createchat-mock/testing";
 */
import { createChat, createMarketClient } from "../../client/index.js";
import { startMock } from "../../testing/index.js";

const storeUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const a = await startMock({ storeUrl, storePrefix: "example", quota: 5 });
const b = await startMock({ storeUrl, storePrefix: "example", quota: 5 });
try {
  await a.control.reset(); // through one replica: for both
  const viaA = await createChat(createMarketClient({ baseUrl: a.url, apiKey: "demo-all-methods" }), 1001, { context: { type: "ORDER", id: 11001 } });
  const viaB = await createChat(createMarketClient({ baseUrl: b.url, apiKey: "demo-all-methods" }), 1001, { context: { type: "ORDER", id: 11001 } });
  if (!viaA.ok || !viaB.ok) throw new Error("the mock refused a chat");
  console.log(`chat ${viaA.chatId} through A, chat ${viaB.chatId} through B; quota ${viaB.rateLimit.remaining}/5 left`);
} finally {
  await a.stop();
  await b.stop();
}
