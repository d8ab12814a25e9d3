/**
 * The chat operations' answers, made from the store's records in the contract's shapes: a chat as
 * getChat and getChats show it, a message as getChatMessage and getChatHistory show it.
 */
import type { components } from "../../generated/schema.js";
import type { ChatRecord, MessageRecord } from "../state/chats.js";

export type ChatView = components["schemas"]["Chat"];
export type ChatContextView = components["schemas"]["ChatFullContext"];
export type MessageView = components["schemas"]["ChatMessage"];

/** Where the control API serves a kept file: the URL a message's payload names. */
export const filePath = (fileId: number) => `/__mock/files/${fileId}`;

/** The chat's context: `orderId` for an order, `returnId` for a return, the customer where known. */
export function contextView(chat: ChatRecord): ChatContextView {
  const view: ChatContextView = { type: chat.context.type };
  if (chat.customer !== undefined) view.customer = { ...chat.customer };
  if (chat.context.type === "ORDER") view.orderId = chat.context.id;
  else if (chat.context.type === "RETURN") view.returnId = chat.context.id;
  return view;
}

/** The deprecated top-level `orderId` of a chat about an order. */
export function deprecatedOrderId(chat: ChatRecord): { orderId?: number } {
  return chat.context.type === "ORDER" ? { orderId: chat.context.id } : {};
}

export function chatView(chat: ChatRecord): ChatView {
  return {
    chatId: chat.chatId,
    ...deprecatedOrderId(chat),
    context: contextView(chat),
    type: chat.type,
    status: chat.status,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
  };
}

/** A message; its files' URLs on `origin`, the mock the request was sent to. */
export function messageView(message: MessageRecord, origin: string): MessageView {
  const view: MessageView = { messageId: message.messageId, createdAt: message.createdAt, sender: message.sender };
  if (message.text !== undefined) view.message = message.text;
  if (message.files !== undefined && message.files.length > 0) {
    view.payload = message.files.map((file) => ({ name: file.name, url: `${origin}${filePath(file.fileId)}`, size: file.size }));
  }
  return view;
}
