/**
 * The chat store's messages: the status table, updatedAt from the message's time, paging by id,
 * and every bound (messages per chat, messages over all chats, kept file bytes per file and in
 * all, chats forgotten with their messages). Pure: the store is driven directly.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STATUS_AFTER_MESSAGE } from "../mock/state/chat-status.js";
import { createChatStore, type ChatStore } from "../mock/state/chats.js";
import { createKeptFiles } from "../mock/state/kept-files.js";
import { chatMessageSenderValues, chatTypeValues } from "../generated/schema.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const order = (id: number) => ({ type: "ORDER" as const, id });
const text = (store: ChatStore, chatId: number, body: string, at = T0) => {
  const posted = store.postMessage(chatId, { sender: "PARTNER", text: body }, at);
  if (!posted.ok) throw new Error(`refused: ${posted.reason}`);
  return posted.message;
};
const bytes = (n: number) => new Uint8Array(n).fill(7);

describe("the status a message leaves a chat in", () => {
  it.each(chatTypeValues.flatMap((type) => chatMessageSenderValues.map((sender) => [type, sender] as const)))("%s chat, a message of %s", (type, sender) => {
    const store = createChatStore();
    const { chat } = store.openChat(1001, order(1), T0);
    if (type === "ARBITRAGE") store.updateChat(chat.chatId, { type });
    const before = store.chatById(chat.chatId)?.status;
    const posted = store.postMessage(chat.chatId, { sender, text: "hi" }, T0 + 5);
    expect(posted.ok && posted.chat.status).toBe(STATUS_AFTER_MESSAGE[type][sender] ?? before);
    expect(posted.ok && posted.chat.updatedAt).toBe(new Date(T0 + 5).toISOString());
  });

  it("docs/chats.md's one status table is this table", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "docs", "chats.md"), "utf8").split("\n");
    const start = doc.indexOf("| a message from | in a `CHAT` | in an `ARBITRAGE` |");
    const rows = doc.slice(start + 2).filter((line, i, all) => all.slice(0, i + 1).every((l) => l.startsWith("|")));
    const cell = (text: string) => (text === "unchanged" ? undefined : text.replaceAll("`", ""));
    const read = Object.fromEntries(
      rows.map((row) => {
        const [sender, chat, arbitrage] = row.split("|").slice(1, -1).map((c) => c.trim());
        return [(sender as string).split(" ")[0]!.replaceAll("`", ""), { CHAT: cell(chat as string), ARBITRAGE: cell(arbitrage as string) }];
      }),
    );
    expect(Object.keys(read).sort()).toEqual([...chatMessageSenderValues].sort());
    for (const sender of chatMessageSenderValues) {
      for (const type of chatTypeValues) expect(read[sender]?.[type], `${sender} in ${type}`).toBe(STATUS_AFTER_MESSAGE[type][sender]);
    }
  });

  it("the table: the seller's message waits for the customer, the customer's for the seller, the marketplace's changes nothing", () => {
    expect(STATUS_AFTER_MESSAGE.CHAT).toEqual({ PARTNER: "WAITING_FOR_CUSTOMER", CUSTOMER: "WAITING_FOR_PARTNER", SUPPORT: "WAITING_FOR_PARTNER", MARKET: undefined });
    expect(STATUS_AFTER_MESSAGE.ARBITRAGE).toEqual({ PARTNER: "WAITING_FOR_ARBITER", CUSTOMER: "WAITING_FOR_ARBITER", SUPPORT: "WAITING_FOR_PARTNER", MARKET: undefined });
  });

  it("a chat opens NEW, becomes a dispute waiting for the arbiter, and a FINISHED one takes nothing, from anyone", () => {
    const store = createChatStore();
    const { chat } = store.openChat(1001, order(1), T0);
    expect(chat.status).toBe("NEW");
    expect(store.updateChat(chat.chatId, { type: "ARBITRAGE" })).toMatchObject({ type: "ARBITRAGE", status: "WAITING_FOR_ARBITER" });
    store.updateChat(chat.chatId, { status: "FINISHED" });
    for (const sender of chatMessageSenderValues) expect(store.postMessage(chat.chatId, { sender, text: "x" }, T0)).toMatchObject({ ok: false, reason: "finished" });
    expect(store.messageCount(chat.chatId)).toBe(0);
    expect(store.postMessage(999, { sender: "PARTNER", text: "x" }, T0)).toEqual({ ok: false, reason: "not-found" });
  });

  it("DIRECT chats are a new chat per call, with their customer, and createChat's idempotency is untouched by them", () => {
    const store = createChatStore();
    const a = store.openDirectChat(1001, T0, { name: "Anna" });
    const b = store.openDirectChat(1001, T0);
    expect([a.chatId, b.chatId]).toEqual([1, 2]);
    expect(a).toMatchObject({ context: { type: "DIRECT" }, customer: { name: "Anna" }, status: "NEW" });
    expect(store.findChats(1001, { contextTypes: ["DIRECT"] }, { limit: 10 }).items.map((c) => c.chatId)).toEqual([1, 2]);
    expect(store.openChat(1001, order(1), T0).created).toBe(true);
  });

  it("a chat is found only by its own business", () => {
    const store = createChatStore();
    const { chat } = store.openChat(1001, order(1), T0);
    expect(store.chat(1001, chat.chatId)).toBe(store.chatById(chat.chatId));
    expect(store.chat(1002, chat.chatId)).toBeUndefined();
  });
});

describe("reading messages", () => {
  it("pages by id: from a message, after a message, at most limit, saying whether more follow", () => {
    const store = createChatStore();
    const { chat } = store.openChat(1001, order(1), T0);
    const ids = ["a", "b", "c", "d", "e"].map((t) => text(store, chat.chatId, t).messageId);
    const page = (p: Parameters<ChatStore["messages"]>[1]) => {
      const { items, more } = store.messages(chat.chatId, p);
      return [items.map((m) => m.text).join(""), more];
    };
    expect(page({ limit: 2 })).toEqual(["ab", true]);
    expect(page({ afterMessageId: ids[1], limit: 2 })).toEqual(["cd", true]);
    expect(page({ afterMessageId: ids[3], limit: 2 })).toEqual(["e", false]);
    expect(page({ fromMessageId: ids[2], limit: 10 })).toEqual(["cde", false]);
    expect(page({ fromMessageId: 999, limit: 10 })).toEqual(["", false]);
    expect(store.message(chat.chatId, ids[2] as number)?.text).toBe("c");
    expect(store.message(chat.chatId, 999)).toBeUndefined();
  });

  it("findChats pages the business's chats by chatId with the filters", () => {
    const store = createChatStore();
    for (let id = 1; id <= 5; id++) store.openChat(1001, order(id), T0);
    store.openChat(1002, order(1), T0);
    text(store, 2, "hi");
    const first = store.findChats(1001, {}, { limit: 2 });
    expect([first.items.map((c) => c.chatId), first.more]).toEqual([[1, 2], true]);
    expect(store.findChats(1001, {}, { afterChatId: 4, limit: 2 })).toMatchObject({ items: [{ chatId: 5 }], more: false });
    expect(store.findChats(1001, { statuses: ["NEW"] }, { limit: 10 }).items.map((c) => c.chatId)).toEqual([1, 3, 4, 5]);
    expect(store.findChats(1001, { contexts: [order(3), order(9)] }, { limit: 10 }).items.map((c) => c.chatId)).toEqual([3]);
    expect(store.findChats(1001, { contexts: [] }, { limit: 10 }).items).toEqual([]);
  });
});

describe("bounds", () => {
  it("a chat keeps its newest maxMessagesPerChat messages; ids are never reused", () => {
    const store = createChatStore({ maxMessagesPerChat: 3 });
    const { chat } = store.openChat(1001, order(1), T0);
    for (const t of ["1", "2", "3", "4", "5"]) text(store, chat.chatId, t);
    expect(store.messages(chat.chatId, { limit: 10 }).items.map((m) => [m.messageId, m.text])).toEqual([
      [3, "3"],
      [4, "4"],
      [5, "5"],
    ]);
    expect(store.message(chat.chatId, 1)).toBeUndefined();
    expect(store.messagesHeld()).toBe(3);
  });

  it("the store keeps its newest maxMessages over all chats, dropping the oldest wherever it is", () => {
    const store = createChatStore({ maxMessages: 3 });
    const a = store.openChat(1001, order(1), T0).chat.chatId;
    const b = store.openChat(1001, order(2), T0).chat.chatId;
    text(store, a, "a1");
    text(store, b, "b1");
    text(store, a, "a2");
    text(store, b, "b2");
    expect(store.messagesHeld()).toBe(3);
    expect(store.messages(a, { limit: 10 }).items.map((m) => m.text)).toEqual(["a2"]);
    expect(store.messages(b, { limit: 10 }).items.map((m) => m.text)).toEqual(["b1", "b2"]);
  });

  it("a forgotten chat (past maxChats) takes its messages and files with it", () => {
    const store = createChatStore({ maxChats: 1 });
    const first = store.openChat(1001, order(1), T0).chat.chatId;
    store.postMessage(first, { sender: "PARTNER", files: [{ name: "a.pdf", mediaType: "application/pdf", bytes: bytes(10) }] }, T0);
    expect([store.messagesHeld(), store.fileBytesKept()]).toEqual([1, 10]);
    store.openChat(1001, order(2), T0);
    expect(store.chatById(first)).toBeUndefined();
    expect([store.messagesHeld(), store.fileBytesKept(), store.file(1)]).toEqual([0, 0, undefined]);
  });

  it("a file's metadata and SHA-256 stay; its bytes only up to keepFileBytes, and maxKeptFileBytes in all", () => {
    const store = createChatStore({ keepFileBytes: 100, maxKeptFileBytes: 150 });
    const { chat } = store.openChat(1001, order(1), T0);
    const send = (n: number) => store.postMessage(chat.chatId, { sender: "PARTNER", files: [{ name: `${n}.pdf`, mediaType: "application/pdf", bytes: bytes(n) }] }, T0);
    send(80);
    send(101);
    expect(store.file(1)).toMatchObject({ file: { size: 80, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, bytes: bytes(80) });
    expect(store.file(2)?.bytes).toBeUndefined();
    expect(store.file(2)?.file).toEqual({ fileId: 2, name: "101.pdf", mediaType: "application/pdf", size: 101, sha256: expect.any(String) });
    send(90); // 80 + 90 > 150: the oldest kept bytes go
    expect([store.file(1)?.bytes, store.file(3)?.bytes?.byteLength, store.fileBytesKept()]).toEqual([undefined, 90, 90]);
    expect(store.file(1)?.file.size).toBe(80);
  });

  it("the kept bytes are a copy: changing the sender's buffer changes nothing kept", () => {
    const kept = createKeptFiles({ keepFileBytes: 10 });
    const buffer = bytes(4);
    kept.keep(1, buffer);
    buffer.fill(0);
    expect(kept.bytes(1)).toEqual(bytes(4));
  });

  it("refuses bounds that are not counts or byte sizes", () => {
    for (const maxMessagesPerChat of [0, 1.5, Number.NaN]) expect(() => createChatStore({ maxMessagesPerChat })).toThrow(/maxMessagesPerChat must be an integer >= 1/);
    expect(() => createChatStore({ maxMessages: 0 })).toThrow(/maxMessages must be an integer >= 1/);
    expect(() => createChatStore({ keepFileBytes: -1 })).toThrow(/keepFileBytes must be an integer number of bytes >= 0/);
  });

  it("reset forgets chats, messages and files and numbers them from 1 again", () => {
    const store = createChatStore();
    const { chat } = store.openChat(1001, order(1), T0);
    store.postMessage(chat.chatId, { sender: "PARTNER", text: "x", files: [{ name: "a.txt", mediaType: "text/plain", bytes: bytes(3) }] }, T0);
    store.reset();
    expect([store.size(), store.messagesHeld(), store.fileBytesKept()]).toEqual([0, 0, 0]);
    const again = store.openChat(1001, order(1), T0).chat.chatId;
    expect(text(store, again, "y").messageId).toBe(1);
  });
});
