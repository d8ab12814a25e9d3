/**
 * sendFileToChat (`POST /v2/businesses/{businessId}/chats/file/send?chatId=`): the seller sends a
 * file, a message of its own. Its size and kind were judged at step 6 from the contract
 * (stages/body.ts); the store keeps its metadata and digest, and its bytes only while small.
 */
import type { UploadedFile } from "../stages/body.js";
import { chatFailures } from "./chat-failures.js";
import { findChat } from "./chat-lookup.js";
import type { OperationHandler } from "../stages/operation-handler.js";
import type { EmptyOkResponseBody } from "./send-message-to-chat.js";

export const sendFileToChat: OperationHandler = {
  operationId: "sendFileToChat",
  async handle(input) {
    const found = await findChat(input);
    if (!found.ok) return found;
    const { file } = input.body as { file: UploadedFile };
    const posted = await input.store.chats.postMessage(found.chat.chatId, { sender: "PARTNER", files: [file] }, input.now);
    if (!posted.ok) {
      return { ok: false, failure: posted.reason === "finished" ? chatFailures.chatFinished(posted.chat ?? found.chat) : chatFailures.chatNotFound(input.business.id, found.chat.chatId) };
    }
    const ok: EmptyOkResponseBody = { status: "OK" };
    return { ok: true, body: ok };
  },
};
