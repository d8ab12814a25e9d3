/** sendFileToChat: the seller sends a file into a chat, as a typed result. */
import { bodyTextOf, readApiAnswer, type ApiFailure } from "./api-answer.js";
import { assertObject, assertPositiveSafeInteger, assertString } from "./chat-input.js";
import type { MarketClient } from "./create-market-client.js";
import type { RateLimitState } from "./rate-limit.js";
import { isOkBody } from "./send-message.js";

/** The file to send: its name (the part's filename), its bytes, and its media type (default: none, judged by the name). */
export interface FileToSend {
  name: string;
  content: Blob | Uint8Array | string;
  type?: string;
}

export interface FileSentSuccess {
  ok: true;
  status: 200;
  rateLimit: RateLimitState;
}
export type SendFileResult = FileSentSuccess | ApiFailure<"sendFileToChat">;

/**
 * Sends one file (at most 5 MiB) into chat `chatId` of `businessId`, as the `file` part of a
 * multipart/form-data body. A file too large, empty or of a kind the chat does not take resolves
 * to a 400 failure (`FILE_TOO_LARGE`, `FILE_EMPTY`, `FILE_TYPE_NOT_ALLOWED`).
 *
 * @example
 * const sent = await sendFile(client, 1001, chatId, { name: "label.pdf", type: "application/pdf", content: bytes });
 */
export async function sendFile(client: MarketClient, businessId: number, chatId: number, file: FileToSend): Promise<SendFileResult> {
  assertPositiveSafeInteger("businessId", businessId);
  assertPositiveSafeInteger("chatId", chatId);
  assertObject("file", file);
  assertString("file.name", file.name);
  const blob = file.content instanceof Blob ? file.content : new Blob([file.content as BlobPart], file.type === undefined ? {} : { type: file.type });
  const form = new FormData();
  form.append("file", file.type !== undefined && file.content instanceof Blob && blob.type !== file.type ? new Blob([blob], { type: file.type }) : blob, file.name);
  const { data, error, response } = await client.POST("/v2/businesses/{businessId}/chats/file/send", {
    params: { path: { businessId }, query: { chatId } },
    // The typed body says what the part is; the form is what is sent (openapi-fetch leaves its Content-Type to fetch).
    body: { file: file.name },
    bodySerializer: () => form,
    parseAs: "text",
  });
  const read = readApiAnswer("sendFileToChat", { status: response.status, headers: response.headers, bodyText: bodyTextOf(data, error) }, isOkBody, '{"status":"OK"}');
  return read.ok ? { ok: true, status: 200, rateLimit: read.rateLimit } : read;
}
