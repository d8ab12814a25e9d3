import { createMockApp } from "../mock/app.js";
import { defineChatFamilySuite, defineClientSuite } from "./client-suite/define-client-suite.js";

// The typed client against the mock in-process: openapi-fetch sends through `app.fetch`, no socket.
// The same suite runs over HTTP and against Prism's mock.
const app = createMockApp();
defineClientSuite("the typed client against the mock in-process (app.fetch)", () => ({
  baseUrl: "http://mock.local",
  fetch: async (request) => app.fetch(request),
  liveRateLimit: true,
}));
defineChatFamilySuite("the chat family's typed functions against the mock in-process", () => ({
  baseUrl: "http://mock.local",
  fetch: async (request) => app.fetch(request),
  liveRateLimit: true,
}));
