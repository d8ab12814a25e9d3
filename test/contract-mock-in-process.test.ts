import { createMockApp } from "../mock/app.js";
import { runContractSuite } from "./contract/run-suite.js";

const app = createMockApp();
runContractSuite("the mock in-process (app.fetch) keeps the contract", () => ({
  baseUrl: "http://mock.local",
  fetch: async (request) => app.fetch(request),
}));
