/**
 * createChat (`POST /v2/businesses/{businessId}/chats/new`): what only this operation does. The
 * body names the chat's context (an order or a return; the deprecated `orderId` is an order), the
 * business must have it, and the chat is idempotent per context: asking again gives the same chat.
 */
import { chatContextTypeValues, type components } from "../../generated/schema.js";
import { integerText } from "../contract/exact-json.js";
import type { Problem } from "../contract/schema-problems.js";
import type { BodyRead } from "../stages/read-body.js";
import { apiFailure, type MockFailure } from "../stages/errors.js";
import type { BusinessFixture, FixtureIndex } from "../state/fixtures.js";
import type { OperationHandler } from "../stages/operation-handler.js";

export type ChatContext = components["schemas"]["ChatContext"];
export type CreateChatRequest = components["schemas"]["CreateChatRequest"];
export type CreateChatResponseBody = components["schemas"]["CreateChatResponse"];

/** Models whose sellers may open chats about returns. */
const MODELS_WITH_RETURN_CHATS = new Set(["FBY", "FBS", "EXPRESS"]);

// Ids are quoted as text, with the digits they were sent with (an id past 2^53 has no exact double).
export const createChatFailures = {
  missingContext: () =>
    apiFailure(400, "MISSING_CONTEXT", "Request body must name what the chat is about: /context (or the deprecated /orderId)"),
  conflictingOrderId: (orderId: string, contextType: string, contextId: string) =>
    apiFailure(400, "CONFLICTING_ORDER_ID", `/orderId ${orderId} and /context (${contextType} ${contextId}) name different things; send /context alone`),
  orderNotFound: (businessId: number, orderId: string) =>
    apiFailure(404, "ORDER_NOT_FOUND", `Order ${orderId} not found in business ${businessId} (/context/id)`),
  returnNotFound: (businessId: number, returnId: string) =>
    apiFailure(404, "RETURN_NOT_FOUND", `Return ${returnId} not found in business ${businessId} (/context/id)`),
  returnChatNotAllowed: (businessId: number, model: string) =>
    apiFailure(
      400,
      "RETURN_CHAT_NOT_ALLOWED",
      `Chats about returns are not available for ${model} business ${businessId} (/context/type); only FBY, FBS and EXPRESS`,
    ),
} as const;

/** The context a body names, with its id as sent (contract/exact-json.ts). */
export interface NamedContext {
  context: ChatContext;
  idText: string;
}

/** The context a valid body names, or the failure of a body whose two forms disagree. */
export function contextOf(body: CreateChatRequest): ({ ok: true } & NamedContext) | { ok: false; failure: MockFailure } {
  const { context, orderId } = body;
  const contextId = context && integerText(context, "id");
  const orderIdText = orderId === undefined ? undefined : integerText(body, "orderId");
  // Compared as sent: 9007199254740993 and 9007199254740992 are one double, yet two orders.
  if (context && orderIdText !== undefined && !(context.type === "ORDER" && contextId === orderIdText)) {
    return { ok: false, failure: createChatFailures.conflictingOrderId(orderIdText, context.type, contextId as string) };
  }
  if (context) return { ok: true, context, idText: contextId as string };
  if (orderId !== undefined) return { ok: true, context: { type: "ORDER", id: orderId }, idText: orderIdText as string };
  return { ok: false, failure: createChatFailures.missingContext() };
}

/**
 * A failure when the context is not the business's to chat about, else undefined. An id past 2^53
 * is no fixture's (fixture ids end at 2^53 - 1), so its double, 2^53 or more, matches none.
 */
export function checkContext(business: BusinessFixture, { context, idText }: NamedContext, fixtures: FixtureIndex): MockFailure | undefined {
  if (context.type === "ORDER") {
    return fixtures.hasOrder(business.id, context.id) ? undefined : createChatFailures.orderNotFound(business.id, idText);
  }
  if (!MODELS_WITH_RETURN_CHATS.has(business.model)) return createChatFailures.returnChatNotAllowed(business.id, business.model);
  return fixtures.hasReturn(business.id, context.id) ? undefined : createChatFailures.returnNotFound(business.id, idText);
}

export const createChat: OperationHandler = {
  operationId: "createChat",

  faultFacts(body: BodyRead) {
    const value = body.json?.value as { context?: { type?: unknown }; orderId?: unknown } | null | undefined;
    if (!value || typeof value !== "object") return {};
    const type = chatContextTypeValues.find((known) => known === value.context?.type);
    if (type !== undefined) return { contextType: type };
    return value.orderId !== undefined ? { contextType: "ORDER" } : {};
  },

  refineBodyProblems(problems: Problem[]) {
    // `{}` breaks only the schema's minProperties: say what is missing in this operation's words.
    const only = problems.length === 1 ? problems[0] : undefined;
    return only?.keyword === "minProperties" && only.pointer === "" ? createChatFailures.missingContext() : undefined;
  },

  async handle({ business, body, store, now }) {
    const named = contextOf(body as CreateChatRequest);
    if (!named.ok) return named;
    const problem = checkContext(business, named, store.fixtures());
    if (problem) return { ok: false, failure: problem };
    const { chat } = await store.chats.openChat(business.id, named.context, now);
    const ok: CreateChatResponseBody = { status: "OK", result: { chatId: chat.chatId } };
    return { ok: true, body: ok };
  },
};
