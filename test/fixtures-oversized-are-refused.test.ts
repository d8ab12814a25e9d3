/**
 * Oversized fixtures are refused, not fatal (issue 14, point 6): a `--fixtures` file past
 * `--fixtures-max-size` is refused by its size before it is read, with one line and exit 2; a
 * file whose size cannot be trusted (a pipe) is read only up to the bound; YAML aliases that would
 * expand without bound are refused; a `PUT /__mock/fixtures` body past the same bound gets a 400 and
 * changes nothing. The CLI runs as a child process, as users start it.
 */
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createManualClock } from "../mock/state/clock.js";
import { loadFixturesFile, MAX_YAML_ALIASES } from "../mock/state/fixtures.js";
import { T0 } from "./support/api.js";
import { exitWithin, killAllChildren, startCli } from "./support/cli-child.js";

// A child's start (tsx compiling the CLI) takes seconds on a loaded machine.
const CHILD_MS = 60_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fixtures-oversized-"));
});
afterAll(async () => {
  killAllChildren();
  await rm(dir, { recursive: true, force: true });
});

/** A valid fixtures document whose business has `orders` order ids. */
const fixturesText = (orders: number) =>
  JSON.stringify({
    tokens: [{ token: "t", scopes: ["communication"], businesses: [7] }],
    businesses: [{ id: 7, model: "FBS", orders: Array.from({ length: orders }, (_, i) => i + 1) }],
  });

/** Nine levels of ten aliases each: 10^9 copies of "x" once expanded. */
const billionLaughs = () => {
  const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
  const levels = [`a: &a [${Array(10).fill("x").join(", ")}]`];
  for (let i = 1; i < names.length; i++) levels.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(", ")}]`);
  return `${levels.join("\n")}\ntokens: []\nbusinesses: []\n`;
};

/** Runs the CLI to its exit; it must not get as far as listening. */
async function refusal(args: string[], env: Record<string, string> = {}) {
  const cli = startCli(["--port", "0", ...args], { waitMs: CHILD_MS, env });
  const exit = await exitWithin(cli, CHILD_MS);
  return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe("the CLI refuses an oversized fixtures file with one line and exit 2", () => {
  it(
    "a file past the default 8 MiB, by its size alone: a sparse file of 64 GiB is never read",
    async () => {
      const path = join(dir, "huge.yaml");
      await writeFile(path, "");
      await truncate(path, 64 * 1024 ** 3);
      const { code, stdout, stderr } = await refusal(["--fixtures", path]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(`error: --fixtures ${path}: file is 68719476736 bytes, more than the 8388608 bytes allowed (raise it with --fixtures-max-size)\n`);
    },
    CHILD_MS,
  );

  it(
    "a file past --fixtures-max-size (and CREATECHAT_MOCK_FIXTURES_MAX_SIZE), which loads once the bound is raised",
    async () => {
      const path = join(dir, "orders.json");
      await writeFile(path, fixturesText(2_000));
      const line = `error: --fixtures ${path}: file is ${fixturesText(2_000).length} bytes, more than the 1024 bytes allowed (raise it with --fixtures-max-size)\n`;
      const [byOption, byVariable] = await Promise.all([
        refusal(["--fixtures", path, "--fixtures-max-size", "1k"]),
        refusal(["--fixtures", path], { CREATECHAT_MOCK_FIXTURES_MAX_SIZE: "1024" }),
      ]);
      expect([byOption.code, byOption.stderr]).toEqual([2, line]);
      expect([byVariable.code, byVariable.stderr]).toEqual([2, line]);
      await expect(loadFixturesFile(path, { maxBytes: 64 * 1024 })).resolves.toMatchObject({ businesses: [{ id: 7 }] });
    },
    CHILD_MS,
  );

  it(
    "a YAML alias bomb, quickly, naming the cap",
    async () => {
      const path = join(dir, "laughs.yaml");
      await writeFile(path, billionLaughs());
      const { code, stderr } = await refusal(["--fixtures", path]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `error: --fixtures ${path}: YAML aliases would expand to more than ${MAX_YAML_ALIASES} copies (a guard against alias bombs); write the values out\n`,
      );
    },
    CHILD_MS,
  );
});

describe("a file whose size cannot be trusted", () => {
  it("is read only up to the bound: a pipe that writes more is refused", async () => {
    const path = join(dir, "pipe.json");
    await promisify(execFile)("mkfifo", [path]);
    const writer = createWriteStream(path);
    // The reader stops at the bound; the writer's broken pipe is expected.
    writer.on("error", () => undefined);
    writer.end(fixturesText(2_000));
    await expect(loadFixturesFile(path, { maxBytes: 1024 })).rejects.toThrow(
      `${path}: file is larger than that, more than the 1024 bytes allowed (raise it with --fixtures-max-size)`,
    );
    writer.destroy();
  });
});

describe("PUT /__mock/fixtures past the bound", () => {
  const put = (app: ReturnType<typeof createMockApp>, body: string) =>
    app.request("/__mock/fixtures", { method: "PUT", headers: { "Content-Type": "application/json" }, body });

  it("is a 400 in the API's error shape naming the bound, and the fixtures in force stay", async () => {
    const app = createMockApp({ clock: createManualClock(T0), fixturesMaxBytes: 4096 });
    const response = await put(app, fixturesText(2_000));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status: "ERROR",
      errors: [
        {
          code: "INVALID_CONTROL_REQUEST",
          message: "request body is larger than 4096 bytes; raise the bound with --fixtures-max-size (MockOptions.fixturesMaxBytes)",
        },
      ],
    });
    expect(app.state.fixtures().token("demo-all-methods", "api-key")).toBeDefined();
    expect(app.state.fixtures().business(7)).toBeUndefined();
    expect((await put(app, fixturesText(3))).status).toBe(200);
    expect(app.state.fixtures().business(7)).toBeDefined();
  });

  it(
    "takes the CLI's --fixtures-max-size over a socket",
    async () => {
      const cli = startCli(["--port", "0", "--log", "silent", "--fixtures-max-size", "4k"], { waitMs: CHILD_MS });
      const url = await cli.url;
      const putOver = (body: string) => fetch(`${url}/__mock/fixtures`, { method: "PUT", headers: { "Content-Type": "application/json" }, body });
      const refused = await putOver(fixturesText(2_000));
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(/^request body is larger than 4096 bytes/);
      const state = (await (await fetch(`${url}/__mock/state`)).json()) as { businesses: Array<{ businessId: number }> };
      expect(state.businesses.map((b) => b.businessId)).toEqual([1001, 1002, 1003, 1004, 2001]);
      expect((await putOver(fixturesText(3))).status).toBe(200);
      cli.child.kill("SIGTERM");
      expect((await exitWithin(cli, CHILD_MS)).code).toBe(0);
    },
    CHILD_MS,
  );
});
