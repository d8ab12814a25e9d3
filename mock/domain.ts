/**
 * Step 7 of the decision order: does the business have what the chat is about. Return chats
 * exist only for FBY, FBS and Express stores, so a RETURN on a DBS business is refused whatever its id.
 */
import { failures, type MockFailure } from "./errors.js";
import type { BusinessFixture, FixtureIndex } from "./fixtures.js";
import type { ChatContext } from "./request-body.js";

/** Models whose sellers may open chats about returns. */
const MODELS_WITH_RETURN_CHATS = new Set(["FBY", "FBS", "EXPRESS"]);

/** A failure when the context is not the business's to chat about, else undefined. */
export function checkContext(business: BusinessFixture, context: ChatContext, fixtures: FixtureIndex): MockFailure | undefined {
  if (context.type === "ORDER") {
    return fixtures.hasOrder(business.id, context.id) ? undefined : failures.orderNotFound(business.id, context.id);
  }
  if (!MODELS_WITH_RETURN_CHATS.has(business.model)) return failures.returnChatNotAllowed(business.id, business.model);
  return fixtures.hasReturn(business.id, context.id) ? undefined : failures.returnNotFound(business.id, context.id);
}
