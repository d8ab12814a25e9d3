/**
 * A whole conversation about an order: open the chat, send a message and a file, let the customer
 * answer (through the mock's control API), read the history page by page, then spend
 * getChatHistory's quota to a 420 and go on in the next window with the mock's virtual clock.
 *
 *   npx tsx examples/chat-flow.ts
 *
 * In your project: import from "market-createchat-mock/client" and "market-createchat-mock/testing".
 */
import assert from "node:assert/strict";
import {
  createChat,
  createMarketClient,
  createRateLimitGuard,
  getChat,
  getChatHistory,
  iterateChatHistory,
  RateLimitError,
  sendFile,
  sendMessage,
} from "../client/index.js";
import { startMock } from "../testing/index.js";

// getChatHistory gets 3 requests per hour here (10,000 on the real service), so its 420 comes quickly.
const mock = await startMock({ operationQuotas: { getChatHistory: { limit: 3 } } });
try {
  // The guard follows the mock's virtual clock, so moving that clock also ends its local refusal.
  let mockOffsetMs = 0;
  const client = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  client.use(createRateLimitGuard({ clock: { now: () => Date.now() + mockOffsetMs } }));

  // 1. Open a chat about order 11001 of business 1001, and write to the customer.
  const opened = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
  assert.ok(opened.ok);
  const chatId = opened.chatId;
  assert.ok((await sendMessage(client, 1001, chatId, "Hello! Your order leaves our warehouse today.")).ok);
  const label = new TextEncoder().encode("%PDF-1.4 (a shipping label)");
  assert.ok((await sendFile(client, 1001, chatId, { name: "label.pdf", type: "application/pdf", content: label })).ok);
  const waiting = await getChat(client, 1001, chatId);
  assert.ok(waiting.ok);
  console.log(`chat ${chatId}: 2 messages sent, ${waiting.chat.status}`);

  // 2. The customer answers: the control API plays their side.
  await mock.control.postMessage(chatId, { sender: "CUSTOMER", message: "Thank you! Can it come in the evening?" });
  const answered = await getChat(client, 1001, chatId);
  assert.ok(answered.ok);
  console.log(`the customer answered: ${answered.chat.status}`);

  // 3. The history, one message per page (getChatHistory is counted for each page).
  for await (const page of iterateChatHistory(client, 1001, chatId, { limit: 1 })) {
    const [message] = page.messages;
    assert.ok(message);
    const content = message.message ?? message.payload?.map((file) => `${file.name} (${file.size} bytes)`).join(", ");
    console.log(`page: ${message.sender}: ${content}; getChatHistory quota left: ${page.rateLimit.remaining}`);
  }

  // 4. The three pages spent getChatHistory's quota. Asked again, the API answers 420 (a client
  // without the guard shows it as a typed failure)...
  const unguarded = createMarketClient({ baseUrl: mock.url, apiKey: "demo-all-methods" });
  const refused = await getChatHistory(unguarded, 1001, chatId);
  assert.ok(!refused.ok && refused.status === 420);
  console.log(`420 from the API: ${refused.errors[0]?.code}, quota left ${refused.rateLimit?.remaining}`);
  // ...and the guarded client does not even send the call.
  let until: Date;
  try {
    await getChatHistory(client, 1001, chatId);
    assert.fail("getChatHistory's quota should be spent");
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error;
    assert.equal(error.kind, "hourly");
    console.log(`420 (${error.kind}, ${error.local ? "refused locally" : "from the API"}) until ${error.until.toISOString()}`);
    until = error.until;
  }
  // ...while the other operations keep their own quota.
  assert.ok((await sendMessage(client, 1001, chatId, "It will come between 18:00 and 21:00.")).ok);

  // 5. Move the mock's virtual clock to the window's end: getChatHistory answers again.
  mockOffsetMs = (await mock.control.setTime(until)).clockOffsetMs;
  const history = await getChatHistory(client, 1001, chatId, { limit: 100 });
  assert.ok(history.ok);
  console.log(`a new window: ${history.messages.length} messages; getChatHistory quota left: ${history.rateLimit.remaining}`);
} finally {
  await mock.stop();
}
