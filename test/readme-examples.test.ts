/**
 * The code of the README and of every page in docs/ is run as written. Every fenced block is one of:
 *
 * - marked `<!-- readme-test: shell -->`: run line by line with bash against a fresh mock on a free
 *   port (`http://127.0.0.1:4010` in the text is replaced by its URL); a `# …` line under a command
 *   is that command's whole expected output;
 * - marked `<!-- readme-test: typescript -->`: run as a module from the repository root, with a fresh
 *   mock behind `http://127.0.0.1:4010` as above; the package's own imports
 *   (`market-createchat-mock/client`, `/mock`, `/testing`) are pointed at the sources here;
 * - marked `<!-- readme-test: vitest -->`: a whole test file of a user's suite, its package imports
 *   pointed at the sources as above, run by vitest on its own (it starts its own mock);
 * - marked `<!-- readme-test: cli -->`: each `npx createchat-mock …` / `npm start -- …` line, after
 *   optional `NAME=value` variables, is the mock's CLI started for real (on a free port, with those
 *   variables in its environment); a `# …` line under it is the first line it prints
 *   (the banner, or the `error: …` of a refusal, which must exit 2); a started mock must stop with
 *   exit code 0 on SIGTERM;
 * - not marked, and then its lines, trimmed, are consecutive lines of a file in examples/ (which
 *   test/examples-run.test.ts, test/fixtures-demo.test.ts and test/package-install-as-a-user.test.ts run);
 * - or in the short allowlist below, each with the reason it cannot run here.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ENV_PREFIX, optionsMarkdown } from "../mock/cli/index.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { exitWithin, killAllChildren, startCli } from "./support/cli-child.js";

const root = resolve(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
/** README.md and docs/*.md, by path relative to the repository. */
const documents: Array<{ path: string; text: string }> = [
  { path: "README.md", text: readme },
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => ({ path: `docs/${name}`, text: readFileSync(join(root, "docs", name), "utf8") })),
];
const run = promisify(execFile);

/** The URL the README's examples use: the CLI's default. The tests put a mock on a free port there. */
const README_URL = "http://127.0.0.1:4010";

type Kind = "shell" | "typescript" | "cli" | "vitest";
const KINDS: readonly string[] = ["shell", "typescript", "cli", "vitest"];

interface Fence {
  /** The document it is in, e.g. `README.md`, `docs/testing.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string, e.g. `sh`, `ts`, `yaml`. */
  info: string;
  body: string;
  /** The `readme-test` marker on the last non-blank line before the fence, if any. */
  marker: string | undefined;
}

/** Every fenced code block of a Markdown text (``` or ~~~ fences, closed by the same kind). */
function fences(file: string, markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[1] as string;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const text = (lines[i] as string).trim();
      if (text.startsWith(fence) && new RegExp(`^\\${fence[0]}+$`).test(text)) break;
      body.push(lines[i] as string);
    }
    let before = start - 1;
    while (before >= 0 && (lines[before] as string).trim() === "") before--;
    const marker = /^<!-- readme-test: (\S+) -->$/.exec((lines[before] ?? "").trim())?.[1];
    found.push({ file, line: start + 1, info: (open[2] as string).trim(), body: body.join("\n"), marker });
  }
  return found;
}

const allFences = documents.flatMap((doc) => fences(doc.path, doc.text));
const blocks = (kind: Kind) => allFences.filter((f) => f.marker === kind);

/**
 * Blocks that are neither run here nor copied from examples/: kept to the commands that install
 * things or never return, each with where it is run instead. Matched on the block's trimmed text.
 */
const NOT_RUN_HERE: ReadonlyArray<{ block: string; reason: string }> = [
  {
    block: [
      "npm ci && npm start     # the mock on http://127.0.0.1:4010 (Prism's default port)",
      "npm ci && npm test      # every test (vitest): contract, client, mock, Prism as the oracle",
    ].join("\n"),
    reason:
      "the repository's own two commands: a clean install, a mock that runs until stopped, the whole suite; " +
      ".ci/run runs npm ci and npm test, test/cli-process.test.ts runs the command behind npm start",
  },
  {
    block: "npm install --save-dev market-createchat-mock",
    reason:
      "the install from the npm registry, where the package is not published yet; " +
      "test/package-install-as-a-user.test.ts installs the same package from its tarball",
  },
  {
    block: "npm install --save-dev github:market-createchat-mock/market-createchat-mock",
    reason: "an install from GitHub; test/e2e/install-from-git.test.ts reads this line and runs it with a git+file:// clone of this repository",
  },
  {
    block: ["{", '  "allowScripts": {"@scarf/scarf": false, "github:market-createchat-mock/market-createchat-mock": true}', "}"].join("\n"),
    reason: "a part of a user's package.json; test/e2e/install-from-git.test.ts reads it and writes it into the project it installs into",
  },
  {
    block: ["npm ci", "npm pack --pack-destination ~/tarballs      # writes ~/tarballs/market-createchat-mock-0.1.0.tgz"].join("\n"),
    reason:
      "a clean install and a pack (with its build): what test/package-install-as-a-user.test.ts does, " +
      "into a temporary directory, too slow to repeat here",
  },
  {
    block: ["npm ci", "npm run build:binary       # writes build/createchat-mock (createchat-mock.exe on Windows)"].join("\n"),
    reason: "the executable's build; test/e2e/standalone-executable.test.ts runs npm run build:binary (with --out into its temporary directory)",
  },
];

/** The text files under examples/ (node_modules aside), by path relative to the repository. */
function exampleFiles(dir = join(root, "examples")): Array<{ path: string; lines: string[] }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return exampleFiles(path);
    return [{ path: relative(root, path), lines: readFileSync(path, "utf8").split("\n").map((l) => l.trim()) }];
  });
}

/** The example file that holds the block's lines (each trimmed) as consecutive lines, if any. */
function exampleHolding(block: string, files: ReturnType<typeof exampleFiles>): string | undefined {
  const wanted = block.trim().split("\n").map((l) => l.trim());
  for (const file of files) {
    for (let at = 0; at + wanted.length <= file.lines.length; at++) {
      if (wanted.every((line, k) => file.lines[at + k] === line)) return file.path;
    }
  }
  return undefined;
}

/** The package's own imports, as a user writes them, mapped to the sources of this repository. */
const PACKAGE_ENTRY_POINTS: Readonly<Record<string, string>> = {
  "market-createchat-mock": "./client/index.js",
  "market-createchat-mock/client": "./client/index.js",
  "market-createchat-mock/mock": "./mock/index.js",
  "market-createchat-mock/testing": "./testing/index.js",
  "market-createchat-mock/msw": "./testing/msw.js",
  "market-createchat-mock/vitest": "./testing/vitest.js",
};

/** The package's imports pointed at the sources, as seen from `dir` (default: the repository's root). */
function toSourceImports(code: string, dir = root): string {
  const toRoot = relative(dir, root) || ".";
  return code.replace(/(\bfrom\s*)(["'])(market-createchat-mock(?:\/[\w.-]+)?)\2/g, (whole, from: string, quote: string, name: string) => {
    const target = PACKAGE_ENTRY_POINTS[name];
    // Anything else (market-createchat-mock/openapi.yaml) resolves through the package's own `exports`.
    return target === undefined ? whole : `${from}${quote}${target.replace(/^\./, toRoot)}${quote}`;
  });
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

/** A CLI line: `NAME=value` variables, `npx createchat-mock` or `npm start --`, plain words, an optional `# comment`. */
function cliCommand(command: string): { env: Record<string, string>; args: string[] } {
  const line = command.replace(/\s+#\s.*$/, "").trim();
  const prefix = /^((?:[A-Z][A-Z0-9_]*=\S*\s+)*)(npx createchat-mock|npm start --|npm start)(\s|$)/.exec(line);
  if (!prefix) throw new Error(`not a CLI line ([NAME=value …] npx createchat-mock … or npm start -- …): ${command}`);
  const rest = line.slice(prefix[1]!.length + prefix[2]!.length).trim();
  if (/['"\\$`]/.test(rest + prefix[1]!)) throw new Error(`the CLI runner takes plain words only: ${command}`);
  const env = Object.fromEntries(
    prefix[1]!
      .trim()
      .split(/\s+/)
      .filter((word) => word !== "")
      .map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]),
  );
  return { env, args: rest === "" ? [] : rest.split(/\s+/) };
}

/** On a free port whatever port the README names, so a mock already on 4010 does not matter. */
function onFreePort(args: string[]): string[] {
  const port = args.indexOf("--port");
  if (port === -1) return [...args, "--port", "0"];
  return args.map((arg, i) => (i === port + 1 ? "0" : arg));
}

const withoutPort = (line: string) => line.replace(/(http:\/\/127\.0\.0\.1):\d+/g, "$1:<port>");

describe("the code blocks of the README and docs/", () => {
  it("has blocks of every runnable kind, and docs/ pages with runnable blocks", () => {
    expect(blocks("shell").length).toBeGreaterThanOrEqual(2);
    expect(blocks("typescript").length).toBeGreaterThanOrEqual(2);
    expect(blocks("cli").length).toBeGreaterThanOrEqual(1);
    expect(blocks("vitest").filter((f) => f.file === "README.md").length).toBe(1);
    expect(documents.map((doc) => doc.path)).toContain("docs/testing.md");
    expect(blocks("typescript").filter((f) => f.file === "docs/testing.md").length).toBeGreaterThanOrEqual(3);
  });

  it("are each run by a test: marked to run here, copied from examples/, or allowlisted with a reason", () => {
    const files = exampleFiles();
    const unknownMarkers = allFences.filter((f) => f.marker !== undefined && !KINDS.includes(f.marker));
    expect(unknownMarkers.map((f) => `${f.file}:${f.line}: readme-test: ${f.marker}`)).toEqual([]);
    const allowed = new Set(NOT_RUN_HERE.map((entry) => entry.block));
    const orphans = allFences
      .filter((f) => f.marker === undefined)
      .filter((f) => !allowed.has(f.body.trim()) && exampleHolding(f.body, files) === undefined)
      .map((f) => `${f.file}:${f.line}: ${f.body.trim().split("\n")[0]}`);
    expect(orphans, "blocks neither marked <!-- readme-test: … -->, nor lines of a file in examples/, nor allowlisted").toEqual([]);
  });

  it("links only to files and headings that exist", () => {
    const slug = (title: string) => title.trim().toLowerCase().replace(/[`*_]/g, "").replace(/[^\w\- ]/g, "").replace(/ /g, "-");
    const headings = (text: string) => new Set(text.replace(/^```[\s\S]*?^```/gm, "").split("\n").flatMap((l) => /^#{1,6} (.*)$/.exec(l)?.[1] ?? []).map(slug));
    const broken: string[] = [];
    for (const doc of documents) {
      const prose = doc.text.replace(/^```[\s\S]*?^```/gm, "");
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue;
        const [file, anchor] = (target as string).split("#") as [string, string | undefined];
        const path = file === "" ? join(root, doc.path) : resolve(root, doc.path, "..", file);
        let text: string;
        try {
          text = readFileSync(path, "utf8");
        } catch {
          broken.push(`${doc.path}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && path.endsWith(".md") && !headings(text).has(anchor)) broken.push(`${doc.path}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("allowlists only blocks the README and docs/ still have", () => {
    const bodies = new Set(allFences.filter((f) => f.marker === undefined).map((f) => f.body.trim()));
    expect(NOT_RUN_HERE.filter((entry) => !bodies.has(entry.block)).map((entry) => entry.block.split("\n")[0])).toEqual([]);
  });

  it("has the option table the CLI's own table makes, env column included, in docs/cli.md", () => {
    const lines = (documents.find((doc) => doc.path === "docs/cli.md")?.text ?? "").split("\n");
    const start = lines.indexOf("| option | environment variable | default | meaning |");
    expect(start, "the README's option table (its header row)").toBeGreaterThan(-1);
    const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
    const inReadme = lines.slice(start, end === -1 ? undefined : end).join("\n");
    // On a mismatch the message is the table to paste: mock/cli/options.ts is where an option changes.
    expect(inReadme, `docs/cli.md's option table; it should read:\n${optionsMarkdown()}\n`).toBe(optionsMarkdown());
    expect(inReadme).toContain(`\`${ENV_PREFIX}PARALLEL_LIMIT\``);
  });
});

describe("the examples of the README and docs/ run as written", () => {
  let mock: RunningMock | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  afterAll(() => killAllChildren());

  it.each(blocks("shell").map((f) => [f.file, f.line, f.body] as const))("%s: shell block at line %i", async (_file, _line, block) => {
    mock = await startMockServer({ port: 0 });
    const steps = shellSteps(block);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const command = step.command.replaceAll(README_URL, mock.url);
      const { stdout } = await run("bash", ["-c", command], { timeout: 10_000 });
      if (step.expected !== undefined) expect(stdout.trim(), step.command).toBe(step.expected);
    }
  });

  it.each(blocks("typescript").map((f) => [f.file, f.line, f.body] as const))("%s: typescript block at line %i", async (doc, line, block) => {
    mock = await startMockServer({ port: 0 });
    const file = join(root, `.readme-example-${doc.replace(/\W+/g, "-")}-${line}-${process.pid}.tmp.ts`);
    await writeFile(file, toSourceImports(block).replaceAll(README_URL, mock.url));
    try {
      await import(file);
    } finally {
      await rm(file, { force: true });
    }
  });

  it.each(blocks("vitest").map((f) => [f.file, f.line, f.body] as const))("%s: vitest file at line %i", async (doc, line, block) => {
    const dir = join(root, "test", `.readme-vitest-${doc.replace(/\W+/g, "-")}-${line}-${process.pid}.tmp`);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(join(dir, "user.test.ts"), toSourceImports(block, dir));
      await writeFile(join(dir, "vitest.config.mjs"), 'export default { test: { include: ["user.test.ts"] } };\n');
      const { stdout } = await run(join(root, "node_modules", ".bin", "vitest"), ["run", "--root", dir, "--config", join(dir, "vitest.config.mjs"), "--reporter=json"], {
        cwd: root,
        timeout: 60_000,
      });
      const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
      expect([report.numFailedTests, report.numPassedTests]).toEqual([0, report.numTotalTests]);
      expect(report.numTotalTests).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Each line starts and stops the CLI through tsx: on a loaded 2-core machine a block of four can pass 20 s.
  it.each(blocks("cli").map((f) => [f.file, f.line, f.body] as const))("%s: cli block at line %i", async (_file, _line, block) => {
    const steps = shellSteps(block);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const { env, args } = cliCommand(step.command);
      const cli = startCli(onFreePort(args), { env });
      if (step.expected?.startsWith("error: ")) {
        const exit = await exitWithin(cli, 10_000);
        expect([exit.code, cli.stderr().trim(), cli.stdout()], step.command).toEqual([2, step.expected, ""]);
        continue;
      }
      const url = await cli.url;
      if (step.expected !== undefined) {
        expect(withoutPort(cli.stdout().split("\n")[0] ?? ""), step.command).toBe(withoutPort(step.expected));
      }
      // Served: the contract is open to anyone, whatever --control-token or --fixtures say.
      const answer = await fetch(`${url}/openapi.yaml`);
      expect(answer.status, step.command).toBe(200);
      cli.child.kill("SIGTERM");
      const exit = await exitWithin(cli, 10_000);
      expect(exit.code, `${step.command}: exit code after SIGTERM; stderr ${cli.stderr()}`).toBe(0);
      expect(cli.stderr()).toMatch(/^SIGTERM: closing; requests in flight get up to \d+ ms/);
    }
  }, 90_000);
});
