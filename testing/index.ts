/**
 * Test helpers for vitest and jest: the mock on a free port (`startMock`), or in-process as a
 * `fetch` (`createMockFetch`), each with a typed client of its control API, and verification of
 * what the mock received (`verifyRequests`). Nothing here imports a test runner or MSW.
 */
export { startMock } from "./start-mock.js";
export type { StartedMock, StartMockOptions } from "./start-mock.js";
export { createMockFetch, MOCK_FETCH_BASE_URL } from "./mock-fetch.js";
export type { MockFetch, MockFetchOptions } from "./mock-fetch.js";
export type { FixturesInput } from "./fixtures-input.js";
export { FixturesError } from "../mock/index.js";
export { createMockControl, MockControlError, MockUnreachableError } from "./control-client.js";
export type { MockControl, MockControlOptions } from "./control-client.js";
export { checkRequests, matchRequests, RequestVerificationError, toHaveReceived, verifyRequests } from "./verify.js";
export type { JournalSource, MatcherResult, NearMiss, RequestCheck, RequestCount, RequestCriteria, VerifyOptions } from "./verify.js";
export type {
  ActiveFault,
  BusinessSnapshot,
  ChatCustomer,
  ChatSnapshot,
  ChatStatus,
  ChatType,
  ChatWithMessages,
  ClockMove,
  ControlMessage,
  MessageSender,
  MessageSnapshot,
  OperationQuota,
  PostedMessage,
  FaultKind,
  FaultMatch,
  FaultRule,
  FaultStatus,
  Fixtures,
  IsoInstant,
  JournalEntry,
  JournalFilter,
  MockStateSnapshot,
} from "./control-types.js";
