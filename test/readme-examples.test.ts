/**
 * The README's examples are run as written: each shell block against a fresh mock on a free port
 * (the `# …` line under a command is its expected output), each TypeScript block as a module.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";

const root = resolve(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const run = promisify(execFile);

function blocks(kind: "shell" | "typescript"): string[] {
  const pattern = new RegExp(`<!-- readme-test: ${kind} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``, "g");
  return [...readme.matchAll(pattern)].map((m) => m[1] ?? "");
}

interface ShellStep {
  command: string;
  expected?: string;
}

/** Commands (backslash continuations joined) each with the comment line that follows it, if any. */
function shellSteps(block: string): ShellStep[] {
  const steps: ShellStep[] = [];
  let command = "";
  for (const line of block.split("\n")) {
    if (command) {
      command += "\n" + line;
      if (!line.endsWith("\\")) {
        steps.push({ command });
        command = "";
      }
    } else if (line.startsWith("# ")) {
      const last = steps.at(-1);
      if (last) last.expected = line.slice(2);
    } else if (line.trim()) {
      if (line.endsWith("\\")) command = line;
      else steps.push({ command: line });
    }
  }
  return steps;
}

describe("the README's examples run as written", () => {
  let mock: RunningMock | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  const shell = blocks("shell");
  const typescript = blocks("typescript");

  it("has examples to run", () => {
    expect(shell.length).toBeGreaterThanOrEqual(2);
    expect(typescript.length).toBeGreaterThanOrEqual(2);
  });

  it.each(shell.map((block, i) => [i + 1, block] as const))("shell example %i", async (_n, block) => {
    mock = await startMockServer({ port: 0 });
    const steps = shellSteps(block);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const command = step.command.replaceAll("http://127.0.0.1:4010", mock.url);
      const { stdout } = await run("bash", ["-c", command], { timeout: 10_000 });
      if (step.expected !== undefined) expect(stdout.trim(), step.command).toBe(step.expected);
    }
  });

  it.each(typescript.map((block, i) => [i + 1, block] as const))("typescript example %i", async (n, block) => {
    const file = join(root, `.readme-example-${n}-${process.pid}.tmp.ts`);
    await writeFile(file, block);
    try {
      await import(file);
    } finally {
      await rm(file, { force: true });
    }
  });
});
