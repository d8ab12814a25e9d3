/** The mock's public surface: build it in-process, serve it on a socket, drive its time and data. */
export { createMockApp, type Latency, type MockApp, type MockOptions } from "./app.js";
export { startMockServer, ListenError, type RunningMock, type ServeOptions } from "./server.js";
export { createMockState, type MockState, type MockStateOptions } from "./state/memory-state.js";
export type { Admission, Deferrable, MaybePromise, MockStore, QuotaLimits, StoreClock, StoreHealth } from "./state/store.js";
export { StoreStartError, StoreUnavailableError } from "./state/store-errors.js";
export { createRedisStore, type RedisStore, type RedisStoreOptions } from "./state/redis/index.js";
export { createControllableClock, createManualClock, systemClock, type Clock, type ControllableClock } from "./state/clock.js";
export {
  demoFixtures,
  FixturesError,
  loadFixturesFile,
  parseFixtures,
  type BusinessFixture,
  type Fixtures,
  type StoreModel,
  type TokenFixture,
} from "./state/fixtures.js";
export {
  createChatStore,
  type ChatFilter,
  type ChatRecord,
  type ChatStore,
  type ChatStoreOptions,
  type FileRecord,
  type MessageInput,
  type MessageRecord,
} from "./state/chats.js";
export { STATUS_AFTER_MESSAGE, statusAfterMessage, type ChatStatus, type ChatType, type MessageSender } from "./state/chat-status.js";
export { createLogger, type LogFormat, type Logger } from "./log/log.js";
export { createDocsApp, DOCS_PATH, type DocsOptions } from "./docs/docs-app.js";
export { loadContract, type Contract, type Operation } from "./contract/load-contract.js";
export { operationHandlers, type OperationHandler, type OperationInput, type OperationOutcome } from "./operations/index.js";
