import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

describe("the journal keeps what a request sent, within bounds", () => {
  it("keeps a small JSON body as JSON, malformed text as text, and only a preview of a large body", async () => {
    const state = createMockState({ clock: createManualClock(T0) });
    const app = createMockApp({ state });
    await createChatRequest(app, 1001, orderContext(11001));
    await createChatRequest(app, 1001, "{bad");
    const large = JSON.stringify({ context: { type: "ORDER", id: 11001 }, note: "x".repeat(10_000) });
    await createChatRequest(app, 1001, large);
    await createChatRequest(app, 1001, JSON.stringify({ pad: "y".repeat(70_000) }));

    const bodies = state.journal.list().map((e) => e.request.body);
    expect(bodies[0]).toEqual(orderContext(11001));
    expect(bodies[1]).toBe("{bad");
    expect(bodies[2]).toBe(`${large.slice(0, 256)}… (${large.length} characters, cut for the journal)`);
    expect(bodies[3]).toBe("(body over the size limit, not read)");
  });
});
