import { afterAll, beforeAll } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { runContractSuite } from "./contract/run-suite.js";
import { startPrismProxy, type RunningPrism } from "./support/prism.js";

// Prism's validation proxy checks every answer of the mock against openapi.yaml on its own.
let mock: RunningMock;
let prism: RunningPrism;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
  prism = await startPrismProxy(mock.url);
}, 60_000);
afterAll(async () => {
  await prism?.stop();
  await mock?.close();
});

runContractSuite(
  "Prism's validation proxy finds no response violation in the mock's answers",
  () => ({ baseUrl: prism.url, fetch: (request) => fetch(request) }),
  { viaProxy: true },
);
