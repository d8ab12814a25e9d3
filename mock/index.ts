/** The mock's public surface: build it in-process, serve it on a socket, drive its time and data. */
export { createMockApp, type Latency, type MockApp, type MockOptions } from "./app.js";
export { startMockServer, ListenError, type RunningMock, type ServeOptions } from "./server.js";
export { createNodeListener, type NodeListener, type NodeListenerOptions } from "./node-listener.js";
export { createMockState, type MockState, type MockStateOptions } from "./state.js";
export { createControllableClock, createManualClock, systemClock, type Clock, type ControllableClock } from "./clock.js";
export {
  demoFixtures,
  FixturesError,
  loadFixturesFile,
  parseFixtures,
  type BusinessFixture,
  type Fixtures,
  type StoreModel,
  type TokenFixture,
} from "./fixtures.js";
export { createChatStore, type ChatRecord, type ChatStore } from "./store.js";
export { createLogger, type LogFormat, type Logger } from "./log.js";
export { createDocsApp, DOCS_PATH, type DocsOptions } from "./docs.js";
