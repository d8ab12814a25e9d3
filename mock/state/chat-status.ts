/**
 * How a chat's status moves when a message arrives: the one table of the mock's chat statuses
 * (docs/chats.md shows it). The status says whose turn it is; a message hands the turn on.
 */
import type { components } from "../../generated/schema.js";

export type ChatType = components["schemas"]["ChatType"];
export type ChatStatus = components["schemas"]["ChatStatus"];
export type MessageSender = components["schemas"]["ChatMessageSender"];

/**
 * The status after a message of `sender`, by the chat's type; `undefined` keeps the status as it
 * is (the marketplace's automatic messages ask nobody to answer).
 */
export const STATUS_AFTER_MESSAGE: Readonly<Record<ChatType, Readonly<Record<MessageSender, ChatStatus | undefined>>>> = {
  CHAT: {
    PARTNER: "WAITING_FOR_CUSTOMER",
    CUSTOMER: "WAITING_FOR_PARTNER",
    SUPPORT: "WAITING_FOR_PARTNER",
    MARKET: undefined,
  },
  // In a dispute the arbiter answers both sides; support's question is put to the seller.
  ARBITRAGE: {
    PARTNER: "WAITING_FOR_ARBITER",
    CUSTOMER: "WAITING_FOR_ARBITER",
    SUPPORT: "WAITING_FOR_PARTNER",
    MARKET: undefined,
  },
};

/** The status a chat opens with: nobody has written yet. */
export const OPENING_STATUS: ChatStatus = "NEW";

/** The status a chat gets when it becomes a dispute, unless one is given. */
export const DISPUTE_STATUS: ChatStatus = "WAITING_FOR_ARBITER";

/** A chat in this status takes no more messages, from anyone. */
export const CLOSED_STATUS: ChatStatus = "FINISHED";

/** The status of a chat of `type` in `status` once `sender` has written into it. */
export function statusAfterMessage(type: ChatType, status: ChatStatus, sender: MessageSender): ChatStatus {
  return STATUS_AFTER_MESSAGE[type][sender] ?? status;
}
