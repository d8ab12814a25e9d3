/**
 * Time cannot be pushed past what the API can say: a clock or window whose window end no HTTP
 * date can carry is refused where it is asked for (the CLI, the control API), and whatever the
 * clock says, no answer of the mock is a formatting failure, and every answer, an internal error
 * included, is journaled and logged.
 */
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { parseCliArgs } from "../mock/cli/index.js";
import { createLogger } from "../mock/log/log.js";
import { createManualClock, LAST_HTTP_DATE_MS, windowEndHttpDate } from "../mock/state/clock.js";
import { createMockState } from "../mock/state/memory-state.js";
import { createChatRequest, orderContext, T0 } from "./support/api.js";

const JSON_TYPE = { "Content-Type": "application/json" };

describe("the CLI refuses a window that would end past the last HTTP date", () => {
  it("--window 3000000d is refused with the real bounds", () => {
    const result = parseCliArgs(["--window", "3000000d"]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^--window "3000000d": a window opened now would end after 9999-12-31T23:59:59\.000Z, the last instant an HTTP date \(X-RateLimit-Resource-Until\) can carry; expected from 1ms to \d+d$/,
    );
  });

  it("the largest window it names is accepted", () => {
    const refused = parseCliArgs(["--window", "3000000d"]);
    const largest = !refused.ok ? /to (\d+d)$/.exec(refused.message)?.[1] : undefined;
    expect(largest).toBeDefined();
    expect(parseCliArgs(["--window", largest as string]).ok).toBe(true);
  });

  it("createMockState refuses such a window too", () => {
    expect(() => createMockState({ clock: createManualClock(T0), windowMs: LAST_HTTP_DATE_MS })).toThrow(/the last instant an HTTP date can carry/);
  });
});

describe("the control API refuses a clock whose window would end past the last HTTP date", () => {
  it("the maximum its message names is accepted, a millisecond more is refused", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    const latest = new Date(LAST_HTTP_DATE_MS - 3_600_000).toISOString();
    const over = await app.request("/__mock/clock", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ now: LAST_HTTP_DATE_MS - 3_600_000 + 1 }) });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain(`and ${latest}`);
    const at = await app.request("/__mock/clock", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ now: latest }) });
    expect(at.status).toBe(200);
    const answer = await createChatRequest(app, 1001, orderContext(11001));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-ratelimit-resource-until")).toBe("Fri, 31 Dec 9999 23:59:59 GMT");
  });
});

describe("a clock moved past the last HTTP date in code still answers", () => {
  it("windowEndHttpDate says the last HTTP date rather than throwing", () => {
    expect(windowEndHttpDate(LAST_HTTP_DATE_MS + 86_400_000)).toBe("Fri, 31 Dec 9999 23:59:59 GMT");
    expect(windowEndHttpDate(Number.MAX_VALUE)).toBe("Fri, 31 Dec 9999 23:59:59 GMT");
    expect(windowEndHttpDate(-1e15)).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("counted requests, the state and the journal answer 200, journaled and logged", async () => {
    const lines: string[] = [];
    const state = createMockState({ clock: createManualClock(T0) });
    const app = createMockApp({ state, logger: createLogger("json", (line) => lines.push(line)) });
    // Past anything an HTTP date (and, for the second, a Date) can say: only code can do this.
    for (const instant of [LAST_HTTP_DATE_MS + 3_600_000, 1e300]) {
      state.clock.set(instant);
      const answer = await createChatRequest(app, 1001, orderContext(11001));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-resource-until")).toBe("Fri, 31 Dec 9999 23:59:59 GMT");
      expect((await app.request("/__mock/state")).status).toBe(200);
      expect((await app.request("/__mock/requests")).status).toBe(200);
      state.reset();
    }
    expect(lines.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([200, 200]);
  });
});

describe("an internal error is journaled and logged like any answer", () => {
  it("a handler that throws answers 500 INTERNAL_ERROR, in the journal and the log", async () => {
    const lines: string[] = [];
    const state = createMockState({ clock: createManualClock(T0) });
    state.chats.openChat = () => {
      throw new Error("the chat store broke");
    };
    const app = createMockApp({ state, logger: createLogger("json", (line) => lines.push(line)) });
    const answer = await createChatRequest(app, 1001, orderContext(11001));
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ status: "ERROR", errors: [{ code: "INTERNAL_ERROR", message: "Internal error of the mock: the chat store broke" }] });
    expect(state.journal.list().map((entry) => entry.status)).toEqual([500]);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([{ status: 500, errorCode: "INTERNAL_ERROR" }]);
  });

  it("an answer is logged even when the journal fails to take it", async () => {
    const lines: string[] = [];
    const state = createMockState({ clock: createManualClock(T0) });
    state.journal.record = () => {
      throw new Error("the journal broke");
    };
    const app = createMockApp({ state, logger: createLogger("json", (line) => lines.push(line)) });
    const answer = await createChatRequest(app, 1001, orderContext(11001));
    expect(answer.status).toBe(500);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect((JSON.parse(lines[0] as string) as { status: number }).status).toBe(200);
  });
});
