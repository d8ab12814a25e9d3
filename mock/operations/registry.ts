/**
 * The operations this mock implements, by the contract's operationId. Adding an operation takes
 * its entry in openapi.yaml and one handler module listed here.
 */
import { createChat } from "./create-chat.js";
import { getChat } from "./get-chat.js";
import { getChatHistory } from "./get-chat-history.js";
import { getChatMessage } from "./get-chat-message.js";
import { getChats } from "./get-chats.js";
import type { OperationHandler } from "../stages/operation-handler.js";
import { sendFileToChat } from "./send-file-to-chat.js";
import { sendMessageToChat } from "./send-message-to-chat.js";

export const operationHandlers: ReadonlyMap<string, OperationHandler> = new Map(
  [createChat, getChats, getChat, sendMessageToChat, getChatMessage, getChatHistory, sendFileToChat].map((handler) => [handler.operationId, handler]),
);
