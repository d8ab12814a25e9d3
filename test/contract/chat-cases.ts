/**
 * The behaviour table of the chat family (getChats, getChat, sendMessageToChat, getChatMessage,
 * getChatHistory, sendFileToChat), in the same form as createChat's (cases.ts). The cases run in
 * order on one mock: the first ones open chats and send messages, and `capture` keeps their ids
 * and page tokens for the later ones (`{chat}` in a path). What needs the mock's state set by hand
 * (a finished chat, a DIRECT chat, a spent quota) is in stateful-scenarios.ts.
 */
import { ANY_OBJECT, ANY_STRING } from "./answer-matchers.js";
import type { CaseRequest, ContractCase, FormPart } from "./cases.js";

// Not imported from cases.ts, which imports this file: its values are not there yet when this one runs.
const API_KEY = "demo-all-methods";
const json = { "Content-Type": "application/json" };
const auth = { ...json, "Api-Key": API_KEY };
const keyOnly = { "Api-Key": API_KEY };
const base = (businessId: number | string) => `/v2/businesses/${businessId}`;

const get = (path: string, headers: Record<string, string> = keyOnly): CaseRequest => ({ method: "GET", path, headers });
const post = (path: string, body: unknown, headers: Record<string, string> = auth): CaseRequest => ({ method: "POST", path, headers, body });
const upload = (path: string, form: FormPart[], headers: Record<string, string> = keyOnly): CaseRequest => ({ method: "POST", path, headers, form });

const chat = (chatId = "{chat}", businessId = 1001) => `${base(businessId)}/chat?chatId=${chatId}`;
const message = (query: string, businessId = 1001) => `${base(businessId)}/chats/message?${query}`;
const history = (query: string, businessId = 1001) => `${base(businessId)}/chats/history?${query}`;
const chats = (query = "", businessId = 1001) => `${base(businessId)}/chats${query === "" ? "" : `?${query}`}`;
const file = (query: string, businessId = 1001) => `${base(businessId)}/chats/file/send?${query}`;

/** 5 MiB, the contract's `maxLength` of the file part. */
const MAX_FILE = 5 * 1024 * 1024;
/** What the seller sends into `{chat}`, in order: the history must give it back so. */
const SENT = [
  { message: "?" },
  { message: "x".repeat(4096) },
  { message: "🙂".repeat(4096) },
  { payload: [{ name: "invoice.pdf", size: 48_213 }] },
  { payload: [{ name: "scan.pdf", size: MAX_FILE }] },
  { payload: [{ name: "photo.PNG", size: 1024 }] },
];
const pdf = (size: number, filename = "invoice.pdf"): FormPart[] => [{ name: "file", filename, type: "application/pdf", size }];

/** Every operation of the family with a request that would succeed, for the Prefer and credential cases. */
const family: Array<[string, () => CaseRequest]> = [
  ["getChats", () => post(chats(), {})],
  ["getChat", () => get(chat())],
  ["sendMessageToChat", () => post(message("chatId={chat}"), { message: "Hello" })],
  ["getChatMessage", () => get(message("chatId={chat}&messageId={message}"))],
  ["getChatHistory", () => post(history("chatId={chat}"), {})],
  ["sendFileToChat", () => upload(file("chatId={chat}"), pdf(10))],
];
const STATUSES = [200, 400, 401, 403, 404, 420, 500];

const withHeaders = (request: CaseRequest, headers: Record<string, string>): CaseRequest => ({ ...request, headers: { ...request.headers, ...headers } });
const without = (request: CaseRequest, name: string): CaseRequest => {
  const headers = { ...request.headers };
  delete headers[name];
  return { ...request, headers };
};

export const chatFamilyCases: ContractCase[] = [
  // The chats the cases use: two of business 1001, opened by createChat.
  { rule: "chats 0 setup", name: "createChat opens the chat the cases use", request: post(`${base(1001)}/chats/new`, { context: { type: "ORDER", id: 11007 } }), status: 200, counted: true, capture: { name: "chat", pointer: "/result/chatId" } },
  { rule: "chats 0 setup", name: "createChat opens a second chat", request: post(`${base(1001)}/chats/new`, { context: { type: "RETURN", id: 12004 } }), status: 200, counted: true, capture: { name: "otherChat", pointer: "/result/chatId" } },

  // sendMessageToChat
  { rule: "chats send", name: "a message of 1 character is sent", request: post(message("chatId={chat}"), { message: "?" }), status: 200, counted: true },
  { rule: "chats send", name: "a message of 4,096 characters is sent", request: post(message("chatId={chat}"), { message: "x".repeat(4096) }), status: 200, counted: true },
  { rule: "chats send", name: "4,096 characters outside the BMP count as 4,096, not as their UTF-16 units", request: post(message("chatId={chat}"), { message: "🙂".repeat(4096) }), status: 200, counted: true },
  { rule: "chats send", name: "an empty message is 400", request: post(message("chatId={chat}"), { message: "" }), status: 400, code: "INVALID_REQUEST", message: "/message must be a non-empty string", counted: true },
  { rule: "chats send", name: "a message of 4,097 characters is 400", request: post(message("chatId={chat}"), { message: "x".repeat(4097) }), status: 400, code: "INVALID_REQUEST", message: "/message must be at most 4096 characters long", counted: true },
  { rule: "chats send", name: "a body without message is 400", request: post(message("chatId={chat}"), {}), status: 400, code: "INVALID_REQUEST", message: "/message is required", counted: true },
  { rule: "chats send", name: "an unknown field is 400", request: post(message("chatId={chat}"), { message: "hi", urgent: true }), status: 400, code: "INVALID_REQUEST", message: "/urgent is not allowed; allowed: message", counted: true },
  { rule: "chats send", name: "a message that is not a string is 400", request: post(message("chatId={chat}"), { message: 42 }), status: 400, code: "INVALID_REQUEST", message: "/message must be a string", counted: true },
  { rule: "chats send", name: "a message for an unknown chat is 404", request: post(message("chatId=999999"), { message: "hi" }), status: 404, code: "CHAT_NOT_FOUND", message: "Chat 999999 not found in business 1001 (/chatId)", counted: true },
  { rule: "chats send", name: "without chatId is 400", request: post(`${base(1001)}/chats/message`, { message: "hi" }), status: 400, code: "INVALID_PARAMETER", message: "/chatId is required", counted: true },
  { rule: "chats send", name: "chatId 0 is 400", request: post(message("chatId=0"), { message: "hi" }), status: 400, code: "INVALID_PARAMETER", message: "/chatId must be >= 1", counted: true },
  { rule: "chats send", name: "a chatId beyond int64 is 400", request: post(message("chatId=9223372036854775808"), { message: "hi" }), status: 400, code: "INVALID_PARAMETER", message: "int64", counted: true },
  { rule: "chats send", name: "a chatId given twice is 400", request: post(message("chatId={chat}&chatId={chat}"), { message: "hi" }), status: 400, code: "INVALID_PARAMETER", message: "given 2 times", counted: true },
  { rule: "chats send", name: "malformed JSON is 400", request: post(message("chatId={chat}"), '{"message":'), status: 400, code: "MALFORMED_JSON", counted: true },

  // sendFileToChat
  { rule: "chats file", name: "a PDF is sent", request: upload(file("chatId={chat}"), pdf(48_213)), status: 200, counted: true },
  { rule: "chats file", name: "a file of exactly 5 MiB is sent", request: upload(file("chatId={chat}"), pdf(MAX_FILE, "scan.pdf")), status: 200, counted: true },
  { rule: "chats file", name: "a PNG sent as application/octet-stream is judged by its name", request: upload(file("chatId={chat}"), [{ name: "file", filename: "photo.PNG", size: 1024 }]), status: 200, counted: true },
  { rule: "chats file", name: "a file of 5 MiB and 1 byte is 400", request: upload(file("chatId={chat}"), pdf(MAX_FILE + 1, "scan.pdf")), status: 400, code: "FILE_TOO_LARGE", message: 'File "scan.pdf" has 5242881 bytes; at most 5242880 are allowed (/file)', counted: true },
  { rule: "chats file", name: "a file far over 5 MiB is 400 without reading it all", request: upload(file("chatId={chat}"), pdf(MAX_FILE + 200_000, "video.pdf")), status: 400, code: "FILE_TOO_LARGE", message: "a file may have at most 5242880 (/file)", counted: true },
  { rule: "chats file", name: "an empty file is 400", request: upload(file("chatId={chat}"), pdf(0, "empty.pdf")), status: 400, code: "FILE_EMPTY", message: 'File "empty.pdf" has no bytes (/file)', counted: true },
  { rule: "chats file", name: "a program is a refused kind (400)", request: upload(file("chatId={chat}"), [{ name: "file", filename: "setup.exe", type: "application/x-msdownload", size: 64 }]), status: 400, code: "FILE_TYPE_NOT_ALLOWED", message: 'File "setup.exe" is application/x-msdownload; allowed: image/jpeg', counted: true },
  { rule: "chats file", name: "an unknown kind sent as octet-stream is refused (400)", request: upload(file("chatId={chat}"), [{ name: "file", filename: "data.bin", size: 64 }]), status: 400, code: "FILE_TYPE_NOT_ALLOWED", message: "is application/octet-stream", counted: true },
  { rule: "chats file", name: "a body without the file part is 400", request: upload(file("chatId={chat}"), [{ name: "note", text: "hello" }]), status: 400, code: "INVALID_REQUEST", message: "/file is required", counted: true },
  { rule: "chats file", name: "the file as a text field, not a file part, is 400", request: upload(file("chatId={chat}"), [{ name: "file", text: "hello" }]), status: 400, code: "INVALID_REQUEST", message: "/file must be a file part", counted: true, knownDisagreement: "Prism reads a text field as the string the schema's `format: binary` describes; the mock needs a file part, with the file name a message shows" },
  { rule: "chats file", name: "two files are 400", request: upload(file("chatId={chat}"), [...pdf(10, "a.pdf"), ...pdf(10, "b.pdf")]), status: 400, code: "INVALID_REQUEST", message: "/file is given 2 times", counted: true, knownDisagreement: "Prism validates one of the repeated parts and lets the request pass; the mock does not guess which file is meant" },
  { rule: "chats file", name: "a JSON body is 400", request: post(file("chatId={chat}"), { file: "x" }), status: 400, code: "UNSUPPORTED_CONTENT_TYPE", message: "multipart/form-data", counted: true },
  { rule: "chats file", name: "multipart without a boundary is 400", request: post(file("chatId={chat}"), "--x\r\n\r\n", { ...keyOnly, "Content-Type": "multipart/form-data" }), status: 400, code: "MALFORMED_MULTIPART", message: "boundary", counted: true },
  { rule: "chats file", name: "a file for an unknown chat is 404", request: upload(file("chatId=999999"), pdf(10)), status: 404, code: "CHAT_NOT_FOUND", counted: true },

  // getChatHistory: the chat now holds 3 texts and 3 files.
  { rule: "chats history", name: "the whole history, oldest first", request: post(history("chatId={chat}"), {}), status: 200, counted: true, answer: { result: { context: { type: "ORDER", orderId: 11007 }, messages: [...SENT.map((m) => ({ sender: "PARTNER", ...m }))], paging: {} } }, capture: { name: "message", pointer: "/result/messages/0/messageId" } },
  { rule: "chats history", name: "a page of 2 with a token to the next", request: post(history("chatId={chat}&limit=2"), {}), status: 200, counted: true, answer: { result: { messages: SENT.slice(0, 2), paging: { nextPageToken: ANY_STRING } } }, capture: { name: "historyToken", pointer: "/result/paging/nextPageToken" } },
  { rule: "chats history", name: "the next page by pageToken", request: post(history("chatId={chat}&limit=2&pageToken={historyToken}"), {}), status: 200, counted: true, answer: { result: { messages: SENT.slice(2, 4) } } },
  { rule: "chats history", name: "the next page by the alias page_token", request: post(history("chatId={chat}&limit=2&page_token={historyToken}"), {}), status: 200, counted: true, answer: { result: { messages: SENT.slice(2, 4) } } },
  { rule: "chats history", name: "pageToken and page_token both, the same, are fine", request: post(history("chatId={chat}&pageToken={historyToken}&page_token={historyToken}"), {}), status: 200, counted: true, answer: { result: { messages: SENT.slice(2), paging: {} } } },
  { rule: "chats history", name: "from a message on", request: post(history("chatId={chat}"), { messageIdFrom: 2 }), status: 200, counted: true },
  { rule: "chats history", name: "a chat without messages has an empty history", request: post(history("chatId={otherChat}"), {}), status: 200, counted: true, answer: { result: { context: { type: "RETURN", returnId: 12004 }, messages: [], paging: {} } } },
  { rule: "chats history", name: "a token of another chat is 400", request: post(history("chatId={otherChat}&pageToken={historyToken}"), {}), status: 400, code: "INVALID_PAGE_TOKEN", message: "was made for another query", counted: true },
  { rule: "chats history", name: "a token with another body is 400", request: post(history("chatId={chat}&pageToken={historyToken}"), { messageIdFrom: 1 }), status: 400, code: "INVALID_PAGE_TOKEN", message: "was made for another query", counted: true },
  { rule: "chats history", name: "a tampered token is 400", request: post(history("chatId={chat}&pageToken={historyToken}x"), {}), status: 400, code: "INVALID_PAGE_TOKEN", message: "has been changed or cut", counted: true },
  { rule: "chats history", name: "a made-up token is 400", request: post(history("chatId={chat}&pageToken=page-2"), {}), status: 400, code: "INVALID_PAGE_TOKEN", message: "is not a page token of this API", counted: true },
  { rule: "chats history", name: "pageToken and page_token that differ are 400", request: post(history("chatId={chat}&pageToken={historyToken}&page_token=other"), {}), status: 400, code: "INVALID_PAGE_TOKEN", message: "page_token differs from pageToken", counted: true },
  { rule: "chats history", name: "limit 101 is 400", request: post(history("chatId={chat}&limit=101"), {}), status: 400, code: "INVALID_PARAMETER", message: "/limit must be <= 100", counted: true },
  { rule: "chats history", name: "limit 0 is 400", request: post(history("chatId={chat}&limit=0"), {}), status: 400, code: "INVALID_PARAMETER", message: "/limit must be >= 1", counted: true },
  { rule: "chats history", name: "messageIdFrom 0 is 400", request: post(history("chatId={chat}"), { messageIdFrom: 0 }), status: 400, code: "INVALID_REQUEST", message: "/messageIdFrom must be >= 1", counted: true },
  { rule: "chats history", name: "the history of an unknown chat is 404", request: post(history("chatId=999999"), {}), status: 404, code: "CHAT_NOT_FOUND", counted: true },
  { rule: "chats history", name: "the history of a chat of another business is the same 404", request: post(history("chatId={chat}", 1003), {}), status: 404, code: "CHAT_NOT_FOUND", message: /^Chat \d+ not found in business 1003 \(\/chatId\)$/, counted: true },

  // getChatMessage
  { rule: "chats message", name: "a message of the chat", request: get(message("chatId={chat}&messageId={message}")), status: 200, counted: true, answer: { result: { sender: "PARTNER", message: "?" } } },
  { rule: "chats message", name: "an unknown message is 404", request: get(message("chatId={chat}&messageId=999999")), status: 404, code: "MESSAGE_NOT_FOUND", message: /^Message 999999 not found in chat \d+ \(\/messageId\)$/, counted: true },
  { rule: "chats message", name: "a message of another chat is 404", request: get(message("chatId={otherChat}&messageId={message}")), status: 404, code: "MESSAGE_NOT_FOUND", counted: true },
  { rule: "chats message", name: "without messageId is 400", request: get(message("chatId={chat}")), status: 400, code: "INVALID_PARAMETER", message: "/messageId is required", counted: true },
  { rule: "chats message", name: "a message of a chat of another business is 404 for the chat", request: get(message("chatId={chat}&messageId={message}", 1002)), status: 404, code: "CHAT_NOT_FOUND", counted: true },

  // getChat
  { rule: "chats chat", name: "the chat, waiting for the customer after the seller's messages", request: get(chat()), status: 200, counted: true, answer: { result: { orderId: 11007, context: { type: "ORDER", orderId: 11007 }, type: "CHAT", status: "WAITING_FOR_CUSTOMER" } } },
  { rule: "chats chat", name: "an unknown chat is 404", request: get(chat("999999")), status: 404, code: "CHAT_NOT_FOUND", message: "Chat 999999 not found in business 1001 (/chatId)", counted: true },
  { rule: "chats chat", name: "a chat of another business is the same 404", request: get(chat("{chat}", 1002)), status: 404, code: "CHAT_NOT_FOUND", message: /^Chat \d+ not found in business 1002 \(\/chatId\)$/, counted: true },
  { rule: "chats chat", name: "a chatId that is not a number is 400", request: get(chat("seven")), status: 400, code: "INVALID_PARAMETER", message: '/chatId must be an integer, got "seven"', counted: true },

  // getChats
  { rule: "chats list", name: "every chat of the business", request: post(chats(), {}), status: 200, counted: true },
  { rule: "chats list", name: "a page of 1 with a token to the next", request: post(chats("limit=1"), {}), status: 200, counted: true, answer: { result: { chats: [ANY_OBJECT], paging: { nextPageToken: ANY_STRING } } }, capture: { name: "chatsToken", pointer: "/result/paging/nextPageToken" } },
  { rule: "chats list", name: "the next page", request: post(chats("limit=1&pageToken={chatsToken}"), {}), status: 200, counted: true },
  { rule: "chats list", name: "by status", request: post(chats(), { statuses: ["WAITING_FOR_CUSTOMER", "NEW"] }), status: 200, counted: true },
  { rule: "chats list", name: "by context, type and context type", request: post(chats(), { contexts: [{ type: "ORDER", id: 11007 }], types: ["CHAT"], contextTypes: ["ORDER", "DIRECT"] }), status: 200, counted: true, answer: { result: { chats: [{ context: { orderId: 11007 }, status: "WAITING_FOR_CUSTOMER" }], paging: {} } } },
  { rule: "chats list", name: "by the deprecated orderIds", request: post(chats(), { orderIds: [11007] }), status: 200, counted: true, answer: { result: { chats: [{ orderId: 11007 }] } } },
  { rule: "chats list", name: "null filters match every chat", request: post(chats(), { statuses: null, contexts: null }), status: 200, counted: true },
  { rule: "chats list", name: "a token with other filters is 400", request: post(chats("pageToken={chatsToken}"), { statuses: ["NEW"] }), status: 400, code: "INVALID_PAGE_TOKEN", message: "was made for another query", counted: true },
  { rule: "chats list", name: "a history token is 400", request: post(chats("pageToken={historyToken}"), {}), status: 400, code: "INVALID_PAGE_TOKEN", counted: true },
  { rule: "chats list", name: "another business's token is 400", request: post(chats("pageToken={chatsToken}", 1003), {}), status: 400, code: "INVALID_PAGE_TOKEN", counted: true },
  { rule: "chats list", name: "limit 21 is 400", request: post(chats("limit=21"), {}), status: 400, code: "INVALID_PARAMETER", message: "/limit must be <= 20", counted: true },
  { rule: "chats list", name: "an unknown status is 400", request: post(chats(), { statuses: ["OPEN"] }), status: 400, code: "INVALID_REQUEST", message: "/statuses/0 must be one of NEW, WAITING_FOR_CUSTOMER", counted: true },
  { rule: "chats list", name: "an empty filter list is 400", request: post(chats(), { statuses: [] }), status: 400, code: "INVALID_REQUEST", message: "/statuses must have at least 1 item", counted: true },
  { rule: "chats list", name: "a value twice in a filter is 400", request: post(chats(), { types: ["CHAT", "CHAT"] }), status: 400, code: "INVALID_REQUEST", message: "/types", counted: true },
  { rule: "chats list", name: "an unknown filter is 400", request: post(chats(), { chatIds: [1] }), status: 400, code: "INVALID_REQUEST", message: "/chatIds is not allowed", counted: true },
  { rule: "chats list", name: "a filter nothing matches gives no chats", request: post(chats(), { contextTypes: ["DIRECT"] }), status: 200, counted: true, answer: { result: { chats: [], paging: {} } } },
  { rule: "chats list", name: "without a body is 400", request: { method: "POST", path: chats(), headers: auth }, status: 400, code: "MALFORMED_JSON", message: "empty", counted: true },

  // Credentials and scopes, on each operation
  ...family.flatMap(([operationId, request]): ContractCase[] => [
    { rule: "chats credentials", name: `${operationId} without credentials is 401`, request: without(request(), "Api-Key"), status: 401, code: "UNAUTHORIZED", counted: false },
    { rule: "chats credentials", name: `${operationId} with a token without a chat scope is 403`, request: withHeaders(request(), { "Api-Key": "demo-pricing-only" }), status: 403, code: "INSUFFICIENT_SCOPE", counted: false },
    { rule: "chats credentials", name: `${operationId} on another seller's business is 403`, request: withHeaders({ ...request(), path: request().path.replace("/businesses/1001/", "/businesses/2001/") }, {}), status: 403, code: "BUSINESS_ACCESS_DENIED", counted: false },
  ]),

  // Prefer forces each declared answer of each operation, valid by the contract
  ...family.flatMap(([operationId, request]) =>
    STATUSES.map((status): ContractCase => ({ rule: "chats prefer", name: `${operationId}: Prefer: code=${status}`, request: withHeaders(request(), { Prefer: `code=${status}` }), status, counted: false })),
  ),
];
