/**
 * The control API's chat and quota endpoints: what a test uses to play the other side of a chat
 * (the customer, the marketplace, its support), to open the DIRECT chats only customers start, to
 * move a chat's type or status, to read a chat with its messages and a kept file's bytes, and to
 * change one operation's quota while the mock runs. Inputs are checked by JSON Schemas of their
 * own; the enums, the message length and the operations come from the contract.
 */
import { Ajv, type ValidateFunction } from "ajv";
import type { Context, Hono } from "hono";
import { chatMessageSenderValues, chatStatusValues, chatTypeValues } from "../../generated/schema.js";
import type { Contract, SchemaObject } from "../contract/load-contract.js";
import { fileKind } from "../stages/file-kinds.js";
import { filePath } from "../operations/chat-views.js";
import type { MockFailure } from "../stages/errors.js";
import type { ChatCustomer, ChatRecord, ChatStatus, ChatType, MessageRecord, MessageSender } from "../state/chats.js";
import type { MockStore } from "../state/store.js";

/** Who the control API may write as: everyone but the seller, whose messages come through the API. */
export const CONTROL_SENDERS = chatMessageSenderValues.filter((sender) => sender !== "PARTNER");

/** Largest body of `POST /__mock/chats/{chatId}/messages`: room for a small file in base64. */
export const MAX_CONTROL_MESSAGE_BODY_BYTES = 1024 * 1024;

/** The longest quota window `PUT /__mock/quotas/{operationId}` sets: 366 days. */
export const MAX_QUOTA_WINDOW_MS = 366 * 24 * 3_600_000;

/** Body of `POST /__mock/chats`. */
export interface DirectChatBody {
  businessId: number;
  customer?: ChatCustomer;
  /** The customer's first message, when the chat starts with one. */
  message?: string;
}

/** A file as the control API takes it. */
export interface ControlFileBody {
  name: string;
  /** Default: from the name's extension. */
  mediaType?: string;
  /** The bytes, base64. */
  base64: string;
}

/** Body of `POST /__mock/chats/{chatId}/messages`: a text, a file, or both. */
export interface ControlMessageBody {
  sender: Exclude<MessageSender, "PARTNER">;
  message?: string;
  file?: ControlFileBody;
}

/** Body of `PATCH /__mock/chats/{chatId}`. */
export interface ChatChangeBody {
  type?: ChatType;
  status?: ChatStatus;
}

/** Body of `PUT /__mock/quotas/{operationId}`. */
export interface QuotaBody {
  limit?: number;
  windowMs?: number;
}

/** A chat as the control API shows it. */
export interface ChatSnapshot {
  chatId: number;
  businessId: number;
  context: ChatRecord["context"];
  type: ChatType;
  status: ChatStatus;
  customer?: ChatCustomer;
  createdAt: string;
  updatedAt: string;
  /** Messages the chat holds now. */
  messages: number;
}

/** A message as the control API shows it, its files with their digests and whether their bytes are kept. */
export interface MessageSnapshot {
  messageId: number;
  sender: MessageSender;
  createdAt: string;
  message?: string;
  files?: Array<{ fileId: number; name: string; mediaType: string; size: number; sha256: string; kept: boolean; path: string }>;
}

interface ChatValidators {
  directChat: ValidateFunction<DirectChatBody>;
  message: ValidateFunction<ControlMessageBody>;
  change: ValidateFunction<ChatChangeBody>;
  quota: ValidateFunction<QuotaBody>;
}

/** What the routes need from the control API around them. */
export interface ChatControlDeps {
  state: MockStore;
  contract: Contract;
  /** Reads and checks a JSON body (the control API's own reader). */
  readJson<T>(c: Context, validate: ValidateFunction<T>, maxBytes?: number): Promise<{ ok: true; value: T } | { ok: false; failure: MockFailure }>;
  reply(c: Context, failure: MockFailure): Response;
  invalid(message: string): MockFailure;
  notFound(message: string): MockFailure;
}

/** The length bounds of a message text, from the contract's SendMessageToChatRequest. */
function messageSchema(contract: Contract): SchemaObject {
  const message = (contract.schemas.SendMessageToChatRequest?.properties as Record<string, SchemaObject> | undefined)?.message;
  if (message === undefined) throw new Error("openapi.yaml: SendMessageToChatRequest has no message property");
  return { type: "string", minLength: message.minLength, maxLength: message.maxLength };
}

function compileChatValidators(contract: Contract): ChatValidators {
  const ajv = new Ajv({ strict: true, verbose: true });
  const text = messageSchema(contract);
  const customer = {
    type: "object",
    additionalProperties: false,
    properties: { name: { type: "string", minLength: 1, maxLength: 200 }, publicId: { type: "string", minLength: 1, maxLength: 200 } },
  };
  const safeId = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
  return {
    directChat: ajv.compile({
      type: "object",
      required: ["businessId"],
      additionalProperties: false,
      properties: { businessId: safeId, customer, message: text },
    }),
    message: ajv.compile({
      type: "object",
      required: ["sender"],
      additionalProperties: false,
      properties: {
        sender: { enum: [...CONTROL_SENDERS] },
        message: text,
        file: {
          type: "object",
          required: ["name", "base64"],
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 255 },
            mediaType: { type: "string", minLength: 1, maxLength: 255 },
            base64: { type: "string", pattern: "^[A-Za-z0-9+/]*={0,2}$" },
          },
        },
      },
    }),
    change: ajv.compile({
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: { type: { enum: [...chatTypeValues] }, status: { enum: [...chatStatusValues] } },
    }),
    quota: ajv.compile({
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      // A window of up to a year: the rate-limit headers must still be writable at its end.
      properties: { limit: safeId, windowMs: { type: "integer", minimum: 1, maximum: MAX_QUOTA_WINDOW_MS } },
    }),
  };
}

export function chatSnapshot(chat: ChatRecord, messages: number): ChatSnapshot {
  const snapshot: ChatSnapshot = {
    chatId: chat.chatId,
    businessId: chat.businessId,
    context: chat.context,
    type: chat.type,
    status: chat.status,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
    messages,
  };
  if (chat.customer !== undefined) snapshot.customer = chat.customer;
  return snapshot;
}

async function messageSnapshot(state: MockStore, message: MessageRecord): Promise<MessageSnapshot> {
  const snapshot: MessageSnapshot = { messageId: message.messageId, sender: message.sender, createdAt: message.createdAt };
  if (message.text !== undefined) snapshot.message = message.text;
  if (message.files !== undefined) {
    snapshot.files = [];
    for (const file of message.files) {
      const held = await state.chats.file(file.fileId);
      snapshot.files.push({ ...file, kept: held?.bytes !== undefined, path: filePath(file.fileId) });
    }
  }
  return snapshot;
}

/** Adds the routes to the control API (mounted under `/__mock`); returns the compile of their validators, to run early. */
export function addChatControl(api: Hono, deps: ChatControlDeps): () => void {
  const { state, contract, readJson, reply, invalid, notFound } = deps;
  let compiled: ChatValidators | undefined;
  const validators = () => (compiled ??= compileChatValidators(contract));
  const chatIdOf = (c: Context): number | undefined => {
    const raw = c.req.param("chatId") ?? "";
    return /^[1-9]\d{0,15}$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;
  };
  const noChat = (c: Context) => reply(c, notFound(`No chat ${c.req.param("chatId")} in the mock; GET /__mock/state lists the chats`));
  const snapshotOf = async (chat: ChatRecord) => chatSnapshot(chat, await state.chats.messageCount(chat.chatId));

  api.post("/chats", async (c) => {
    const body = await readJson(c, validators().directChat);
    if (!body.ok) return reply(c, body.failure);
    const { businessId, customer, message } = body.value;
    if (state.fixtures().business(businessId) === undefined) return reply(c, invalid(`/businessId ${businessId} is not a business of the fixtures in force`));
    const now = state.clock.now();
    let chat = await state.chats.openDirectChat(businessId, now, customer);
    if (message !== undefined) {
      const posted = await state.chats.postMessage(chat.chatId, { sender: "CUSTOMER", text: message }, now);
      if (posted.ok) chat = posted.chat;
    }
    return c.json(await snapshotOf(chat), 201);
  });

  api.get("/chats/:chatId", async (c) => {
    const chatId = chatIdOf(c);
    const chat = chatId === undefined ? undefined : await state.chats.chatById(chatId);
    if (chat === undefined) return noChat(c);
    const page = await state.chats.messages(chat.chatId, { limit: Number.MAX_SAFE_INTEGER });
    const messages = [];
    for (const message of page.items) messages.push(await messageSnapshot(state, message));
    return c.json({ ...(await snapshotOf(chat)), messageList: messages });
  });

  api.patch("/chats/:chatId", async (c) => {
    const chatId = chatIdOf(c);
    if (chatId === undefined || (await state.chats.chatById(chatId)) === undefined) return noChat(c);
    const body = await readJson(c, validators().change);
    if (!body.ok) return reply(c, body.failure);
    const chat = await state.chats.updateChat(chatId, body.value);
    return chat === undefined ? noChat(c) : c.json(await snapshotOf(chat));
  });

  api.post("/chats/:chatId/messages", async (c) => {
    const chatId = chatIdOf(c);
    if (chatId === undefined || (await state.chats.chatById(chatId)) === undefined) return noChat(c);
    const body = await readJson(c, validators().message, MAX_CONTROL_MESSAGE_BODY_BYTES);
    if (!body.ok) return reply(c, body.failure);
    const { sender, message, file } = body.value;
    if (message === undefined && file === undefined) return reply(c, invalid("(root) must have /message, /file or both"));
    const files =
      file === undefined ? undefined : [{ name: file.name, mediaType: file.mediaType ?? fileKind("", file.name), bytes: new Uint8Array(Buffer.from(file.base64, "base64")) }];
    const posted = await state.chats.postMessage(chatId, { sender, text: message, files }, state.clock.now());
    if (!posted.ok) {
      if (posted.reason === "not-found") return noChat(c);
      return reply(c, invalid(`chat ${chatId} is FINISHED and takes no more messages; PATCH /__mock/chats/${chatId} to reopen it`));
    }
    return c.json({ message: await messageSnapshot(state, posted.message), chat: await snapshotOf(posted.chat) }, 201);
  });

  api.get("/files/:fileId", async (c) => {
    const raw = c.req.param("fileId");
    const found = /^[1-9]\d{0,15}$/.test(raw) ? await state.chats.file(Number(raw)) : undefined;
    if (found === undefined) return reply(c, notFound(`No file ${raw} in the mock (its message may have been dropped)`));
    const { file, bytes } = found;
    if (bytes === undefined) {
      return reply(c, {
        status: 404,
        errors: [{ code: "FILE_BYTES_NOT_KEPT", message: `File ${file.fileId} (${JSON.stringify(file.name)}, ${file.size} bytes, sha256 ${file.sha256}) was not kept: it is larger than --keep-file-bytes or older than the kept ones` }],
      });
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": file.mediaType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "X-Content-SHA256": file.sha256,
    });
  });

  const operationOf = (c: Context): string | undefined => {
    const id = c.req.param("operationId");
    return contract.operations.some((op) => op.operationId === id) ? id : undefined;
  };
  const noOperation = (c: Context) =>
    reply(c, notFound(`No operation ${c.req.param("operationId")} in the contract; it has ${contract.operations.map((op) => op.operationId).join(", ")}`));

  api.put("/quotas/:operationId", async (c) => {
    const operationId = operationOf(c);
    if (operationId === undefined) return noOperation(c);
    const body = await readJson(c, validators().quota);
    if (!body.ok) return reply(c, body.failure);
    return c.json({ operationId, ...(await state.setQuotaLimits(operationId, body.value)) });
  });

  api.delete("/quotas/:operationId", async (c) => {
    const operationId = operationOf(c);
    if (operationId === undefined) return noOperation(c);
    return c.json({ operationId, ...(await state.setQuotaLimits(operationId, undefined)) });
  });
  return () => void validators();
}
