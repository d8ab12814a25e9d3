/**
 * What the README says about stopping `npm start` from a script: npm runs the mock through a shell
 * that does not pass a signal on, so a SIGTERM to npm's PID ends npm and leaves the mock serving;
 * one to the process group (what Ctrl-C does in a terminal) reaches the mock, which then closes.
 */
import { resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { cleanEnv, killStarted, startServing } from "./support/serving.js";

const ROOT = resolve(import.meta.dirname, "..");

afterAll(() => killStarted());

it("a SIGTERM to npm start's PID leaves the mock serving; one to its process group stops it", async () => {
  // detached: npm leads a process group of its own, as a background job of a shell script does.
  const run = startServing("npm", ["start", "--", "--port", "0", "--log", "silent"], { cwd: ROOT, env: cleanEnv(), detached: true });
  const url = await run.url;
  const npmExited = new Promise((done) => run.child.once("exit", done));
  run.child.kill("SIGTERM");
  await npmExited;
  expect((await fetch(`${url}/__mock/health`)).status).toBe(200);

  process.kill(-(run.child.pid as number), "SIGTERM");
  // 'close' comes once every holder of npm's pipes has exited: the mock inherited them.
  await run.exited;
  expect(run.stderr()).toMatch(/^SIGTERM: closing; /m);
  await expect(fetch(`${url}/__mock/health`)).rejects.toThrow();
});
