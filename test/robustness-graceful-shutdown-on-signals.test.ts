/**
 * The CLI stops cleanly: on SIGTERM or SIGINT it stops accepting connections, lets the request in
 * flight finish, and exits 0; the grace is bounded (--shutdown-grace); a second signal exits at once
 * with 128 + the signal's number. (A taken port → exit 2 with one line: test/cli-process.test.ts.)
 */
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { exitWithin, killAllChildren, startCli, type CliChild } from "./support/cli-child.js";

afterAll(killAllChildren);

const createChat = (url: string) =>
  fetch(`${url}/v2/businesses/1001/chats/new`, {
    method: "POST",
    headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
    body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    signal: AbortSignal.timeout(30_000),
  });

/** Waits until the mock reports a request of 1001 in flight (it is then inside its latency). */
async function untilInFlight(url: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const state = (await (await fetch(`${url}/__mock/state`)).json()) as { businesses: Array<{ businessId: number; inFlight: number }> };
    if (state.businesses.find((b) => b.businessId === 1001)?.inFlight === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the request never got in flight");
}

async function untilStderr(run: CliChild, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 250 && !pattern.test(run.stderr()); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(run.stderr()).toMatch(pattern);
}

/** Whether a new TCP connection to the port is refused. */
function connectionRefused(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

// All processes start at once: each spends most of its start-up waiting on module loading.
const drainTerm = startCli(["--port", "0", "--log", "silent", "--latency", "700"]);
const drainInt = startCli(["--port", "0", "--log", "silent", "--latency", "700"]);
const boundedGrace = startCli(["--port", "0", "--log", "silent", "--latency", "30000", "--shutdown-grace", "300ms"]);
const signalledAtBanner = startCli(["--port", "0", "--log", "silent"]);
const twice = startCli(["--port", "0", "--log", "silent", "--latency", "30000", "--shutdown-grace", "30s"]);

describe("first signal: drain, then exit 0", () => {
  it.each([
    ["SIGTERM", drainTerm],
    ["SIGINT", drainInt],
  ] as const)("%s: refuses new connections, answers the request in flight with 200, exits 0", async (signal, run) => {
    const url = await run.url;
    const inFlight = createChat(url);
    await untilInFlight(url);
    const signalledAt = performance.now();
    run.child.kill(signal);
    await untilStderr(run, new RegExp(`^${signal}: closing; requests in flight get up to 5000 ms`));

    expect(await connectionRefused(url)).toBe(true);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
    expect(await exitWithin(run, 5_000)).toEqual({ code: 0, signal: null });
    // It waited for the request (about 700 ms of latency), not for the whole grace.
    expect(performance.now() - signalledAt).toBeLessThan(4_000);
  });
});

describe("signal handlers are in place before the banner", () => {
  it("SIGTERM sent the moment the banner is read still ends with exit 0, not death by signal", async () => {
    await signalledAtBanner.url;
    signalledAtBanner.child.kill("SIGTERM");
    expect(await exitWithin(signalledAtBanner, 5_000)).toEqual({ code: 0, signal: null });
  });
});

describe("the grace is bounded", () => {
  it("--shutdown-grace 300ms: a request that outlasts it is cut, and the process still exits 0 promptly", async () => {
    const url = await boundedGrace.url;
    const inFlight = createChat(url).then(
      (res) => `answered ${res.status}`,
      () => "cut",
    );
    await untilInFlight(url);
    const signalledAt = performance.now();
    boundedGrace.child.kill("SIGTERM");
    expect(await exitWithin(boundedGrace, 5_000)).toEqual({ code: 0, signal: null });
    const elapsed = performance.now() - signalledAt;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
    expect(await inFlight).toBe("cut");
  });
});

describe("a second signal exits at once", () => {
  it("SIGTERM, then SIGINT while draining: still draining after the first, gone right after the second with 130", async () => {
    const url = await twice.url;
    const inFlight = createChat(url).catch(() => "cut");
    await untilInFlight(url);
    twice.child.kill("SIGTERM");
    await untilStderr(twice, /^SIGTERM: closing/);
    // The request holds the drain open (30 s of latency, 30 s of grace): the socket is closed to new
    // connections, and the process is still there.
    expect(await connectionRefused(url)).toBe(true);
    expect(twice.child.exitCode).toBeNull();

    const secondAt = performance.now();
    twice.child.kill("SIGINT");
    // 128 + 2: the shell's code for "ended by SIGINT" (a second SIGTERM gives 143 the same way).
    expect(await exitWithin(twice, 3_000)).toEqual({ code: 130, signal: null });
    expect(performance.now() - secondAt).toBeLessThan(1_500);
    expect(twice.stderr()).toMatch(/SIGINT while closing: exiting now/);
    expect(await inFlight).toBe("cut");
  });
});
