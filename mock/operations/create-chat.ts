/**
 * createChat (`POST /v2/businesses/{businessId}/chats/new`): what only this operation does. The
 * body names the chat's context (an order or a return; the deprecated `orderId` is an order), the
 * business must have it, and the chat is idempotent per context: asking again gives the same chat.
 */
import { chatContextTypeValues, type components } from "../../generated/schema.js";
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

export const createChatFailures = {
  missingContext: () =>
    apiFailure(400, "MISSING_CONTEXT", "Request body must name what the chat is about: /context (or the deprecated /orderId)"),
  conflictingOrderId: (orderId: number, context: ChatContext) =>
    apiFailure(400, "CONFLICTING_ORDER_ID", `/orderId ${orderId} and /context (${context.type} ${context.id}) name different things; send /context alone`),
  orderNotFound: (businessId: number, orderId: number) =>
    apiFailure(404, "ORDER_NOT_FOUND", `Order ${orderId} not found in business ${businessId} (/context/id)`),
  returnNotFound: (businessId: number, returnId: number) =>
    apiFailure(404, "RETURN_NOT_FOUND", `Return ${returnId} not found in business ${businessId} (/context/id)`),
  returnChatNotAllowed: (businessId: number, model: string) =>
    apiFailure(
      400,
      "RETURN_CHAT_NOT_ALLOWED",
      `Chats about returns are not available for ${model} business ${businessId} (/context/type); only FBY, FBS and EXPRESS`,
    ),
} as const;

/** The context a valid body names, or the failure of a body whose two forms disagree. */
export function contextOf(body: CreateChatRequest): { ok: true; context: ChatContext } | { ok: false; failure: MockFailure } {
  const { context, orderId } = body;
  if (context && orderId !== undefined && !(context.type === "ORDER" && context.id === orderId)) {
    return { ok: false, failure: createChatFailures.conflictingOrderId(orderId, context) };
  }
  if (context) return { ok: true, context };
  if (orderId !== undefined) return { ok: true, context: { type: "ORDER", id: orderId } };
  return { ok: false, failure: createChatFailures.missingContext() };
}

/** A failure when the context is not the business's to chat about, else undefined. */
export function checkContext(business: BusinessFixture, context: ChatContext, fixtures: FixtureIndex): MockFailure | undefined {
  if (context.type === "ORDER") {
    return fixtures.hasOrder(business.id, context.id) ? undefined : createChatFailures.orderNotFound(business.id, context.id);
  }
  if (!MODELS_WITH_RETURN_CHATS.has(business.model)) return createChatFailures.returnChatNotAllowed(business.id, business.model);
  return fixtures.hasReturn(business.id, context.id) ? undefined : createChatFailures.returnNotFound(business.id, context.id);
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
    const problem = checkContext(business, named.context, store.fixtures());
    if (problem) return { ok: false, failure: problem };
    const { chat } = await store.chats.openChat(business.id, named.context, now);
    const ok: CreateChatResponseBody = { status: "OK", result: { chatId: chat.chatId } };
    return { ok: true, body: ok };
  },
};
