/**
 * The examples in examples/ run as a user runs them: each script with `tsx`, the example tests
 * with `vitest run --config examples/vitest.config.ts`, in child processes of their own. The CI
 * recipe is checked for the steps the README documents here, and run for real by
 * test/package-install-as-a-user.test.ts, where the package is installed as a dependency.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");
const run = promisify(execFile);

/** The environment without vitest's own variables, so a nested vitest run behaves as from a shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TEST$|NODE_ENV$|MOCK_URL$)/.test(name)) env[name] = value;
  }
  return env;
}

async function runExample(command: string, args: string[]): Promise<string> {
  const { stdout } = await run(join(BIN, command), args, { cwd: ROOT, env: cleanEnv(), timeout: 30_000 });
  return stdout;
}

describe.concurrent("the examples run", () => {
  it("there are at least three runnable examples and a CI recipe", () => {
    const files = readdirSync(join(ROOT, "examples"));
    const runnable = files.filter((f) => f.endsWith(".ts") && f !== "vitest.config.ts");
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    expect(readdirSync(join(ROOT, "examples", "ci"))).toContain("github-actions.yml");
  });

  it("first-call.ts opens a chat on a mock of its own", async () => {
    const stdout = await runExample("tsx", ["examples/first-call.ts"]);
    expect(stdout.trim()).toMatch(/^chat 1 opened; quota 999\/1000 left until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it("handle-420-and-500.ts rides out two 500s, is refused locally at 420, and goes on in the next window", async () => {
    const stdout = await runExample("tsx", ["examples/handle-420-and-500.ts"]);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^retry: attempt 2 after HTTP 500, in \d+ ms$/);
    expect(lines[1]).toMatch(/^retry: attempt 3 after HTTP 500, in \d+ ms$/);
    expect(lines[2]).toBe("500 twice, then chat 1; quota left: 2");
    expect(lines[3]).toMatch(/^420 \(hourly, refused locally\): wait until \d{4}-/);
    expect(lines[4]).toBe("a new window: chat 1; quota left: 4");
  });

  it("chat-flow.ts opens a chat, sends a message and a file, reads the customer's answer page by page, and spends getChatHistory's quota to a 420", async () => {
    const stdout = await runExample("tsx", ["examples/chat-flow.ts"]);
    const lines = stdout.trim().split("\n");
    expect(lines).toEqual([
      "chat 1: 2 messages sent, WAITING_FOR_CUSTOMER",
      "the customer answered: WAITING_FOR_PARTNER",
      "page: PARTNER: Hello! Your order leaves our warehouse today.; getChatHistory quota left: 2",
      "page: PARTNER: label.pdf (27 bytes); getChatHistory quota left: 1",
      "page: CUSTOMER: Thank you! Can it come in the evening?; getChatHistory quota left: 0",
      "420 from the API: LIMIT_EXCEEDED, quota left 0",
      expect.stringMatching(/^420 \(hourly, refused locally\) until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      // The message sent while getChatHistory was spent is in the new window's history: 4 in all.
      "a new window: 4 messages; getChatHistory quota left: 2",
    ]);
  });

  it("the example tests pass under their own vitest config", async () => {
    const stdout = await runExample("vitest", ["run", "--config", "examples/vitest.config.ts", "--reporter=json"]);
    const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: Array<{ name: string; status: string }>;
    };
    const exampleTests = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".test.ts"));
    expect(exampleTests.length).toBeGreaterThanOrEqual(2);
    expect(report.testResults.map((r) => r.name.replace(/^.*\//, "")).sort()).toEqual(exampleTests.sort());
    expect(report.testResults.every((r) => r.status === "passed")).toBe(true);
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThanOrEqual(5);
  });
});

describe("the CI recipe (examples/ci/github-actions.yml)", () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    if?: string;
  }
  const workflow = parse(readFileSync(join(ROOT, "examples", "ci", "github-actions.yml"), "utf8")) as {
    on: unknown;
    jobs: Record<string, { "runs-on": string; env?: Record<string, string>; steps: Step[] }>;
  };
  const [job] = Object.values(workflow.jobs);

  it("is one job: install, start the mock as a step, wait for it, run the tests against it", () => {
    expect(job?.["runs-on"]).toBe("ubuntu-latest");
    expect(job?.env?.MOCK_URL).toBe("http://127.0.0.1:4010");
    const steps = job?.steps ?? [];
    const runs = steps.map((s) => s.run?.trim());
    const install = runs.indexOf("npm ci");
    const start = steps.findIndex((s) => s.run?.includes("createchat-mock"));
    const test = runs.indexOf("npm test");
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(start);
    expect(start).toBeLessThan(test);
    const startScript = steps[start]?.run ?? "";
    // The bin of the installed package on the README's port, in the background, then a readiness wait.
    expect(startScript).toMatch(/^npx --no -- createchat-mock --port 4010 .*&$/m);
    // Health needs no credentials, so the same wait works under --control-token.
    expect(startScript).toContain('curl -sf "$MOCK_URL/__mock/health"');
    expect(steps.some((s) => s.uses?.startsWith("actions/setup-node@"))).toBe(true);
  });
});
