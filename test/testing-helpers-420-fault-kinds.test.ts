/**
 * A 420 fault says which limit it imitates (`kind`, typed in the control client), and the
 * rate-limit guard reads the answer as that kind from its headers alone.
 *
 * These need the mock side of issue 16 (`POST /__mock/faults` with `kind`); they fail against a
 * mock without it (it refuses the unknown key with 400).
 */
import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, createRateLimitGuard, RateLimitError } from "../client/index.js";
import { createManualClock } from "../mock/index.js";
import { createMockFetch, type MockControl } from "../testing/index.js";

const T0 = Date.parse("2026-11-25T12:00:00Z");
const ORDER = { context: { type: "ORDER", id: 11001 } } as const;

function setup() {
  const clock = createManualClock(T0);
  const fetch = createMockFetch({ clock });
  const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
  const guarded = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
  guarded.use(createRateLimitGuard({ clock, parallelPauseMs: 250 }));
  return { fetch, client, guarded, control: fetch.control };
}

async function post(fetch: ReturnType<typeof createMockFetch>, headers: Record<string, string> = {}) {
  const response = await fetch(`${fetch.baseUrl}/v2/businesses/1001/chats/new`, {
    method: "POST",
    headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json", ...headers },
    body: JSON.stringify(ORDER),
  });
  const body = (await response.json()) as { errors?: Array<{ code: string; message: string }> };
  return { status: response.status, headers: response.headers, error: body.errors?.[0] };
}

describe("420 faults of a kind", () => {
  it("hourly (the default) answers like a spent quota: Remaining 0, Until the window's end", async () => {
    const { fetch, control } = setup();
    const fault = await control.fault({ status: 420, times: 1 });
    expect(fault.kind).toBe("hourly");
    const answer = await post(fetch);
    expect(answer.status).toBe(420);
    expect(answer.error?.code).toBe("LIMIT_EXCEEDED");
    expect(answer.error?.message).toMatch(/^Hit rate limit of 1000 requests per 1h for businessId 1001; retry after /);
    expect(answer.headers.get("X-RateLimit-Resource-Remaining")).toBe("0");
    expect(answer.headers.get("X-RateLimit-Resource-Until")).toBe("Wed, 25 Nov 2026 13:00:00 GMT");
  });

  it("parallel answers like the in-flight limit, with the business's live headers", async () => {
    const { fetch, control } = setup();
    expect((await control.fault({ status: 420, kind: "parallel", times: 1 })).kind).toBe("parallel");
    const answer = await post(fetch);
    expect(answer.status).toBe(420);
    expect(answer.error?.code).toBe("LIMIT_EXCEEDED");
    expect(answer.error?.message).toMatch(/^Hit rate limit of \d+ parallel requests for businessId 1001$/);
    expect(answer.headers.get("X-RateLimit-Resource-Remaining")).toBe("999");
  });

  it("the guard reads an hourly fault as hourly and then refuses locally until the window's end", async () => {
    const { guarded, control } = setup();
    await control.fault({ status: 420, kind: "hourly", times: 1 });
    const error = await createChat(guarded, 1001, ORDER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ kind: "hourly", local: false, remaining: 0, until: new Date(T0 + 3_600_000) });
    expect(await createChat(guarded, 1001, ORDER).catch((e: unknown) => e)).toMatchObject({ kind: "hourly", local: true });
    expect(await control.requests()).toHaveLength(1);
  });

  it("the guard reads a parallel fault as parallel, and the next call goes out", async () => {
    const { guarded, control } = setup();
    await control.fault({ status: 420, kind: "parallel", times: 1 });
    const error = await createChat(guarded, 1001, ORDER).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RateLimitError", kind: "parallel", local: false, until: new Date(T0 + 250) });
    expect((await createChat(guarded, 1001, ORDER)).ok).toBe(true);
  });

  it("takes kind only with status 420 (a type error otherwise)", () => {
    // Never called: only the types are under test here, by `tsc --noEmit`.
    const typeOnly = (control: MockControl) => [
      // @ts-expect-error kind is for 420 faults only
      control.fault({ status: 500, kind: "hourly" }),
      // @ts-expect-error a kind the API does not have
      control.fault({ status: 420, kind: "daily" }),
      control.fault({ status: 420, kind: "parallel", match: { businessId: 1001 } }),
    ];
    expect(typeof typeOnly).toBe("function");
  });
});
