import { afterAll, beforeAll } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { defineChatFamilySuite, defineClientSuite } from "./client-suite/define-client-suite.js";

// The typed client against the mock on a real socket; the same suite runs in-process and against Prism's mock.
let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
});
afterAll(async () => {
  await mock?.close();
});

defineClientSuite("the typed client against the mock over HTTP", () => ({ baseUrl: mock.url, liveRateLimit: true }));
defineChatFamilySuite("the chat family's typed functions against the mock over HTTP", () => ({ baseUrl: mock.url, liveRateLimit: true }));
