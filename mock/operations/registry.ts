/**
 * The operations this mock implements, by the contract's operationId. Adding an operation takes
 * its entry in openapi.yaml and one handler module listed here.
 */
import { createChat } from "./create-chat.js";
import type { OperationHandler } from "../stages/operation-handler.js";

export const operationHandlers: ReadonlyMap<string, OperationHandler> = new Map(
  [createChat].map((handler) => [handler.operationId, handler]),
);
