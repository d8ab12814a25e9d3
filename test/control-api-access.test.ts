import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { createControlApi } from "../mock/control/control-api.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createMockState, type MockState } from "../mock/state/memory-state.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const TOKEN = "s3cret-control-token";
const contract = loadContract();

/** The control app alone, as a client at `address` sees it (no socket: the address is stubbed). */
function controlAs(address: string | undefined, controlToken?: string): { api: ReturnType<typeof createControlApi>; state: MockState } {
  const state = createMockState({ clock: createManualClock(T0) });
  const api = createControlApi({ state, contract, controlToken, remoteAddress: () => address });
  return { api, state };
}

async function errorOf(res: Response): Promise<{ status: number; code: string | undefined; text: string }> {
  const text = await res.text();
  const body = JSON.parse(text) as { status: string; errors: Array<{ code: string }> };
  expect(body.status).toBe("ERROR");
  return { status: res.status, code: body.errors[0]?.code, text };
}

describe("control API without a control token", () => {
  it("answers in-process requests (no peer address)", async () => {
    const app = createMockApp({ clock: createManualClock(T0) });
    expect((await app.request("/__mock/state")).status).toBe(200);
  });

  it.each(["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1"])("answers the loopback client %s", async (address) => {
    const { api } = controlAs(address);
    expect((await api.request("/state")).status).toBe(200);
  });

  it.each(["10.1.2.3", "192.168.0.7", "128.0.0.1", "::ffff:10.1.2.3", "2001:db8::1", "not-an-address"])(
    "refuses %s with 403 CONTROL_FORBIDDEN",
    async (address) => {
      const { api } = controlAs(address);
      expect(await errorOf(await api.request("/state"))).toMatchObject({ status: 403, code: "CONTROL_FORBIDDEN" });
    },
  );

  it("refuses a remote client before doing anything, on every path", async () => {
    const { api, state } = controlAs("10.1.2.3");
    state.faults.add({ status: 500 });
    expect((await errorOf(await api.request("/faults", { method: "DELETE" }))).status).toBe(403);
    expect((await errorOf(await api.request("/reset", { method: "POST" }))).status).toBe(403);
    // Unknown paths too, so a remote client cannot tell which exist.
    expect((await errorOf(await api.request("/no-such-endpoint"))).status).toBe(403);
    expect(state.faults.list()).toHaveLength(1);
  });
});

describe("control API with a control token", () => {
  it("needs Authorization: Bearer <token> even from loopback", async () => {
    const { api } = controlAs("127.0.0.1", TOKEN);
    const res = await api.request("/state");
    expect(await errorOf(res)).toMatchObject({ status: 401, code: "CONTROL_UNAUTHORIZED" });
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
  });

  it.each([
    ["a wrong token", `Bearer wrong`],
    ["a wrong token of the same length", `Bearer ${"x".repeat(TOKEN.length)}`],
    ["the token with a suffix", `Bearer ${TOKEN}x`],
    ["another scheme", `Basic ${TOKEN}`],
    ["the bare token", TOKEN],
    ["an empty bearer", "Bearer "],
  ])("refuses %s with 401 and does not echo it", async (_, authorization) => {
    const { api } = controlAs(undefined, TOKEN);
    const { status, code, text } = await errorOf(await api.request("/state", { headers: { Authorization: authorization } }));
    expect([status, code]).toEqual([401, "CONTROL_UNAUTHORIZED"]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("x".repeat(TOKEN.length));
  });

  it("answers any client, remote ones too, that presents the token", async () => {
    const { api } = controlAs("10.1.2.3", TOKEN);
    const res = await api.request("/state", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain(TOKEN);
    // The scheme is case-insensitive (RFC 9110 §11.1).
    expect((await api.request("/state", { headers: { Authorization: `bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("never journals the token, through the whole mock", async () => {
    const app = createMockApp({ clock: createManualClock(T0), controlToken: TOKEN });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await app.request("/__mock/faults", { method: "DELETE", headers: { ...auth, "Content-Type": "application/json" } })).status).toBe(200);
    await app.request("/v2/businesses/1001/chats/new", {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    const journal = await app.request("/__mock/requests", { headers: auth });
    const text = await journal.text();
    expect((JSON.parse(text) as { total: number }).total).toBe(1);
    expect(text).not.toContain(TOKEN);
  });

  it("refuses an empty token at creation: it would protect nothing", () => {
    expect(() => controlAs(undefined, "")).toThrow(RangeError);
  });
});

describe("which peers count as loopback (Hono's IP restriction over 127.0.0.0/8 and ::1)", () => {
  it.each([
    ["127.0.0.1", 200],
    ["127.255.255.254", 200],
    ["::1", 200],
    ["::ffff:127.0.0.1", 200],
    ["0:0:0:0:0:0:0:1", 200],
    ["126.255.255.255", 403],
    ["::2", 403],
    ["::ffff:10.0.0.1", 403],
    ["localhost", 403],
  ])("%s → %s", async (address, status) => {
    const { api } = controlAs(address);
    expect((await api.request("/state")).status).toBe(status);
  });
});
