/**
 * Everything the CLI takes from the rest of mock/, in one place: the core is being reorganised
 * into folders, and when a module moves only these lines change.
 */
export type { Latency } from "../app.js";
export { MAX_TIMER_MS, parseDuration } from "../clock.js";
export { isLoopbackAddress } from "../control.js";
export { FixturesError, loadFixturesFile } from "../fixtures.js";
export { DEFAULT_JOURNAL_CAPACITY } from "../journal.js";
export { createLogger, LOG_FORMATS, type LogFormat } from "../log.js";
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_MS, ListenError, startMockServer, type RunningMock, type ServeOptions } from "../server.js";
export { loadContract } from "../spec.js";
export { DEFAULT_MAX_CHATS } from "../store.js";
export { packageVersion } from "../version.js";
