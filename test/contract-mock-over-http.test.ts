import { afterAll, beforeAll } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { runContractSuite } from "./contract/run-suite.js";

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
});
afterAll(async () => {
  await mock?.close();
});

runContractSuite("the mock over a real socket keeps the contract", () => ({
  baseUrl: mock.url,
  fetch: (request) => fetch(request),
}));
