import { afterAll, beforeAll } from "vitest";
import { defineChatFamilySuite, defineClientSuite } from "./client-suite/define-client-suite.js";
import { startPrismMock, type RunningPrism } from "./support/prism.js";

// The typed client against `prism mock openapi.yaml`: a static mock that knows only the document,
// so the suite proves the client and the mock's answers agree with what the contract alone says.
// The same suite runs against the mock over HTTP and in-process.
let prism: RunningPrism;
beforeAll(async () => {
  prism = await startPrismMock();
});
afterAll(async () => {
  await prism?.stop();
});

defineClientSuite("the typed client against Prism's static mock of openapi.yaml", () => ({ baseUrl: prism.url }));
defineChatFamilySuite("the chat family's typed functions against Prism's static mock of openapi.yaml", () => ({ baseUrl: prism.url }));
