/**
 * The createChat request every target of `npm run bench` is sent, and the answer every peer is
 * given. Plain data, imported by the bench and by the scripts it runs in processes of their own.
 */

export const BUSINESS_ID = 1001;
export const CREATE_CHAT_PATH = `/v2/businesses/${BUSINESS_ID}/chats/new`;
/** The route as the peers declare it (any businessId). */
export const CREATE_CHAT_ROUTE = "/v2/businesses/:businessId/chats/new";
export const API_KEY = "demo-all-methods";
export const CREATE_CHAT_BODY = { context: { type: "ORDER", id: 11001 } } as const;
export const CREATE_CHAT_BODY_TEXT = JSON.stringify(CREATE_CHAT_BODY);
export const REQUEST_HEADERS: Readonly<Record<string, string>> = { "Api-Key": API_KEY, "Content-Type": "application/json" };

/** The 200 answer: what the mock answers the first chat of a fresh start, and what every peer is told to send. */
export const CREATE_CHAT_ANSWER_TEXT = JSON.stringify({ status: "OK", result: { chatId: 1 } });
