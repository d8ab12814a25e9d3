/**
 * The quota, the in-flight limit and the control API over a real socket on 127.0.0.1, not only
 * through app.fetch: the same answers when Node's HTTP server sits in between.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";

let mock: RunningMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const createChat = (url: string, businessId: number, id: number) =>
  fetch(`${url}/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
    body: JSON.stringify({ context: { type: "ORDER", id } }),
  });
const control = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}/__mock${path}`, {
    method,
    headers: method === "GET" ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("over a real socket", () => {
  it("journals requests with credentials redacted, and resets", async () => {
    mock = await startMockServer({ port: 0 });
    await (await createChat(mock.url, 1001, 11001)).arrayBuffer();
    await (await createChat(mock.url, 1001, 99999)).arrayBuffer();
    const journal = await (await control(mock.url, "GET", "/requests?status=404")).json();
    expect(journal).toMatchObject({ total: 1, requests: [{ status: 404, businessId: 1001, counted: true }] });
    expect(JSON.stringify(journal)).not.toContain("demo-all-methods");

    expect((await control(mock.url, "POST", "/reset")).status).toBe(200);
    const empty = await (await control(mock.url, "GET", "/requests")).json();
    expect(empty).toMatchObject({ total: 0, requests: [] });
  });

  it("refuses exactly the requests beyond --parallel-limit in flight, while latency holds the slots", async () => {
    mock = await startMockServer({ port: 0, parallelLimit: 2, latency: { minMs: 1_000, maxMs: 1_000 } });
    const url = mock.url;
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => createChat(url, 1004, 41001 + i)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 420, 420, 420]);
    const refused = responses.find((r) => r.status === 420) as Response;
    expect(((await refused.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toBe(
      "Hit rate limit of 2 parallel requests for businessId 1004",
    );
  });

  it("applies a fault set through the control API", async () => {
    mock = await startMockServer({ port: 0 });
    const added = await control(mock.url, "POST", "/faults", { status: 420, times: 1, match: { businessId: 1003 } });
    expect(added.status).toBe(201);
    const faulted = await createChat(mock.url, 1003, 31001);
    expect(faulted.status).toBe(420);
    // A 420 fault imitates a spent hourly quota by default: Remaining 0, whatever was really used.
    expect(faulted.headers.get("X-RateLimit-Resource-Remaining")).toBe("0");
    const next = await createChat(mock.url, 1003, 31001);
    expect(next.status).toBe(200);
    expect(next.headers.get("X-RateLimit-Resource-Remaining")).toBe("998");
  });
});
