import { describe, expect, it } from "vitest";
import { createChat, createMarketClient, parseRateLimit } from "../client/index.js";

const LIMIT = "X-RateLimit-Resource-Limit";
const REMAINING = "X-RateLimit-Resource-Remaining";
const UNTIL = "X-RateLimit-Resource-Until";
const VALID = { [LIMIT]: "1000", [REMAINING]: "997", [UNTIL]: "Wed, 25 Nov 2026 13:00:00 GMT" };

function headersWith(overrides: Record<string, string | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries({ ...VALID, ...overrides })) {
    if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

describe("parseRateLimit", () => {
  it("reads limit, remaining and until as numbers and the header's instant", () => {
    const state = parseRateLimit(headersWith({}));

    expect(state).toEqual({ limit: 1000, remaining: 997, until: new Date(Date.UTC(2026, 10, 25, 13, 0, 0)) });
    expect(state?.until.toISOString()).toBe("2026-11-25T13:00:00.000Z");
  });

  it("matches header names case-insensitively, as HTTP does", () => {
    const headers = new Headers({
      "x-ratelimit-resource-limit": "1000",
      "X-RATELIMIT-RESOURCE-REMAINING": "0",
      "x-RateLimit-resource-until": "Thu, 10 Jul 2025 00:42:42 GMT",
    });

    expect(parseRateLimit(headers)).toEqual({
      limit: 1000,
      remaining: 0,
      until: new Date(Date.UTC(2025, 6, 10, 0, 42, 42)),
    });
  });

  it.each([LIMIT, REMAINING, UNTIL])("is undefined when %s is missing", (name) => {
    expect(parseRateLimit(headersWith({ [name]: undefined }))).toBeUndefined();
  });

  it("is undefined when there are no quota headers at all", () => {
    expect(parseRateLimit(new Headers({ "Content-Type": "application/json" }))).toBeUndefined();
  });

  it.each([
    [LIMIT, "abc"],
    [LIMIT, ""],
    [LIMIT, "10.5"],
    [LIMIT, "1e3"],
    [LIMIT, "0"],
    [LIMIT, "-1000"],
    [LIMIT, "0x3E8"],
    [LIMIT, "1000, 1000"],
    [LIMIT, "99999999999999999999"],
    [REMAINING, "-1"],
    [REMAINING, "NaN"],
    [REMAINING, "997 requests"],
    [UNTIL, "not a date"],
    [UNTIL, "2026-11-25T13:00:00Z"],
    [UNTIL, "1795611600"],
    [UNTIL, "Wed, 25 Nov 2026 13:00:00 UTC"],
    [UNTIL, "Wednesday, 25-Nov-26 13:00:00 GMT"],
    [UNTIL, "Thu, 25 Nov 2026 13:00:00 GMT"],
    [UNTIL, "Tue, 31 Feb 2026 13:00:00 GMT"],
    [UNTIL, "Wed, 25 Nov 2026 25:00:00 GMT"],
    [UNTIL, "Wed, 25 Nov 2026 13:61:00 GMT"],
  ])("is undefined when %s is malformed (%j)", (name, value) => {
    expect(parseRateLimit(headersWith({ [name]: value }))).toBeUndefined();
  });

  it("is what createChat reports: undefined for an error answer whose quota headers are malformed", async () => {
    const fetch = async (): Promise<Response> =>
      Response.json(
        { status: "ERROR", errors: [{ code: "INVALID_TOKEN" }] },
        { status: 403, headers: headersWith({ [REMAINING]: "lots" }) },
      );
    const client = createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", fetch });

    const result = await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });

    expect(result).toEqual({ ok: false, status: 403, errors: [{ code: "INVALID_TOKEN" }] });
    expect(result.rateLimit).toBeUndefined();
  });
});
