export { operationHandlers } from "./registry.js";
export type { OperationHandler, OperationInput, OperationOutcome } from "../stages/operation-handler.js";
export { createChat, type CreateChatResponseBody } from "./create-chat.js";
