import { describe, expect, it } from "vitest";
import { createManualClock } from "../mock/state/clock.js";
import { createControlApi } from "../mock/control/control-api.js";
import { loadContract } from "../mock/contract/load-contract.js";
import { createMockState } from "../mock/state/memory-state.js";
import { packageVersion } from "../mock/package-files.js";

const contract = loadContract();

function controlAs(address: string | undefined, controlToken?: string) {
  const state = createMockState({ clock: createManualClock(Date.UTC(2026, 10, 25, 12)) });
  return createControlApi({ state, contract, controlToken, remoteAddress: () => address, version: packageVersion() });
}

describe("GET /__mock/health", () => {
  it("answers ok and the version with no credentials, under a control token", async () => {
    const res = await controlAs("127.0.0.1", "s3cret").request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: packageVersion() });
  });

  it("answers a remote client too (it tells nothing about the state)", async () => {
    const res = await controlAs("10.1.2.3").request("/health");
    expect(res.status).toBe(200);
  });

  it("is GET only: another method is 405 with Allow", async () => {
    const res = await controlAs("127.0.0.1").request("/health", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("reports the package.json version", () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
