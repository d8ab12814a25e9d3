export { operationHandlers } from "./registry.js";
export type { OperationHandler, OperationInput, OperationOutcome } from "./operation-handler.js";
export { createChat, type CreateChatResponseBody } from "./create-chat.js";
