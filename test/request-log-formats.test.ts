import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createLogger, type LogFormat, type RequestLogRecord } from "../mock/log/log.js";
import { createManualClock } from "../mock/state/clock.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

const ok: RequestLogRecord = {
  time: "2026-11-25T12:00:00.000Z",
  method: "POST",
  path: "/v2/businesses/1001/chats/new",
  status: 200,
  businessId: 1001,
  durationMs: 12,
  counted: true,
};

function capture(format: LogFormat): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const log = createLogger(format, (line) => lines.push(line));
  return { lines, log };
}

describe("pretty log", () => {
  it("writes one line: time, status, method, path, business, duration", () => {
    const { lines, log } = capture("pretty");
    log.request(ok);
    expect(lines).toEqual(["2026-11-25T12:00:00.000Z 200 POST /v2/businesses/1001/chats/new business=1001 12ms"]);
  });

  it("adds the error code and marks requests not counted against the quota", () => {
    const { lines, log } = capture("pretty");
    log.request({ ...ok, status: 401, businessId: undefined, durationMs: 0.42, counted: false, errorCode: "UNAUTHORIZED" });
    expect(lines).toEqual(["2026-11-25T12:00:00.000Z 401 POST /v2/businesses/1001/chats/new error=UNAUTHORIZED not-counted 0.4ms"]);
  });

  it("keeps a record on one line even if a field holds control characters", () => {
    const { lines, log } = capture("pretty");
    log.request({ ...ok, path: "/v2/a\nb" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("/v2/a\\x0ab");
  });
});

describe("json log", () => {
  it("writes each request as one JSON object equal to the record", () => {
    const { lines, log } = capture("json");
    const failed: RequestLogRecord = { ...ok, status: 404, errorCode: "NOT_FOUND", durationMs: 3.25 };
    log.request(ok);
    log.request(failed);
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => JSON.parse(line))).toEqual([ok, failed]);
    expect(lines[0]).not.toContain("errorCode"); // absent optional fields are omitted, not null
  });
});

describe("silent log", () => {
  it("writes nothing", () => {
    const { lines, log } = capture("silent");
    log.request(ok);
    expect(lines).toEqual([]);
  });
});

describe("records the mock builds from requests", () => {
  // Requests carrying every way a credential can arrive: both headers, the old OAuth form, a query parameter.
  const secrets = ["demo-all-methods", "demo-oauth", "s3cr3t-client-id", "leaked-query-token"];
  const requests = [
    new Request("http://127.0.0.1:4010/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    }),
    new Request("http://127.0.0.1:4010/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: { Authorization: "Bearer demo-oauth" },
    }),
    new Request("http://127.0.0.1:4010/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: { Authorization: 'OAuth oauth_token="demo-oauth", oauth_client_id="s3cr3t-client-id"' },
    }),
    new Request("http://127.0.0.1:4010/v2/businesses/1001/chats/new?access_token=leaked-query-token", { method: "POST" }),
  ];

  it.each(["pretty", "json"] as const)("never print a token (%s)", async (format) => {
    const { lines, log } = capture(format);
    const app = createMockApp({ clock: createManualClock(T0), logger: log });
    for (const request of requests) await app.fetch(request);
    // A caller that builds the record by hand with the full URL still gets no query string logged.
    log.request({ ...ok, path: "/v2/businesses/1001/chats/new?access_token=leaked-query-token" });
    expect(lines).toHaveLength(requests.length + 1);
    for (const line of lines) {
      expect(line).toContain("/v2/businesses/1001/chats/new"); // the line is really about the request
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });
});

describe("the business in log records", () => {
  it("is named whenever the path names one, counted or not", async () => {
    const { lines, log } = capture("json");
    const app = createMockApp({ clock: createManualClock(T0), logger: log });
    await app.request("/v2/businesses/1001/chats/new", { method: "POST" }); // 401: no credentials
    await app.request("/v2/businesses/abc/chats/new", { method: "POST", headers: { "Api-Key": "demo-all-methods" } }); // 400: no valid id
    const records = lines.map((line) => JSON.parse(line) as { status: number; counted: boolean; businessId?: number });
    expect(records.map((r) => [r.status, r.counted, r.businessId])).toEqual([
      [401, false, 1001],
      [400, false, undefined],
    ]);
  });
});
