/**
 * A closed or stalled reader of the request log never kills or bloats the mock: when stdout's reader
 * goes away (EPIPE, as `createchat-mock | head -1` does) the mock goes on serving; when it stops
 * reading, lines past a bounded buffer are dropped, counted in GET /__mock/state, and one line says
 * how many once the reader catches up. Both log formats.
 */
import { afterAll, describe, expect, it } from "vitest";
import { exitWithin, killAllChildren, startCli } from "./support/cli-child.js";

afterAll(killAllChildren);

const body = JSON.stringify({ context: { type: "ORDER", id: 11001 } });
/** Sends `count` requests, `inFlight` at a time, and gives their statuses. */
async function send(count: number, request: () => Promise<Response>, inFlight = 16): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next += 1;
        const res = await request();
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    }),
  );
  return statuses;
}
const createChats = (url: string, count: number) =>
  send(count, () =>
    fetch(`${url}/v2/businesses/1001/chats/new`, { method: "POST", headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" }, body }),
  );
const dropped = async (url: string) => ((await (await fetch(`${url}/__mock/state`)).json()) as { log: { dropped: number } }).log.dropped;

// Each test starts the CLI through tsx and sends hundreds of requests: on a loaded 2-core machine
// that can pass vitest's default 20 s, never a timing the test measures.
describe.each(["pretty", "json"] as const)("--log %s", { timeout: 60_000 }, (format) => {
  it("goes on serving when stdout's reader closes (EPIPE), and stops cleanly", async () => {
    const cli = startCli(["--port", "0", "--log", format, "--quota", "1000000"]);
    const url = await cli.url;
    cli.child.stdout?.destroy(); // the reader is gone, as after `| head -1`
    expect(new Set(await createChats(url, 200))).toEqual(new Set([200]));
    expect(await dropped(url)).toBeGreaterThan(0);
    cli.child.kill("SIGTERM");
    expect((await exitWithin(cli, 10_000)).code).toBe(0);
  });

  it("drops lines past a bounded buffer while the reader stalls, and says how many once it reads again", async () => {
    const cli = startCli(["--port", "0", "--log", format, "--quota", "1000000"]);
    const url = await cli.url;
    cli.child.stdout?.pause(); // the reader stops reading: the pipe fills, then the mock's buffer
    // Long lines (the log names a request's path) pass the pipe's 64 KiB and the mock's 1 MiB of
    // buffered log in a few hundred requests: 1,000 requests of 2 KiB lines.
    const statuses = await send(1_000, () => fetch(`${url}/nowhere/${"a".repeat(2_000)}`));
    expect(new Set(statuses)).toEqual(new Set([404]));
    const count = await dropped(url);
    expect(count).toBeGreaterThan(0);
    const notice = new Promise<void>((resolve) => {
      const check = () => {
        if (/log records? (was|were) dropped/.test(cli.stdout())) {
          cli.child.stdout?.off("data", check);
          resolve();
        }
      };
      cli.child.stdout?.on("data", check);
    });
    cli.child.stdout?.resume();
    await notice;
    const line = cli.stdout().split("\n").find((l) => /dropped while the log's reader/.test(l)) ?? "";
    if (format === "json") expect(JSON.parse(line)).toMatchObject({ dropped: expect.any(Number) });
    cli.child.kill("SIGTERM");
    expect((await exitWithin(cli, 10_000)).code).toBe(0);
  });
});
