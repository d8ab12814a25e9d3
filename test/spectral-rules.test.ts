/**
 * Proves the custom rules of `.spectral.yaml`: each one fires on its own bad fixture
 * (test/fixtures/spectral/<rule-name>.yaml) at the expected paths and nowhere else, every rule has
 * such a fixture, and the real openapi.yaml passes the whole ruleset.
 *
 * Spectral runs once, through its CLI, over openapi.yaml and all fixtures: its start-up (~1-2 s)
 * dominates, so one run keeps the file fast.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const rulesetFile = join(root, ".spectral.yaml");
const contractFile = join(root, "openapi.yaml");
const fixturesDir = join(root, "test", "fixtures", "spectral");
const spectralBin = join(root, "node_modules", ".bin", "spectral");

/** A JSON path as Spectral prints it: every segment a string, array indexes too. */
type JsonPath = ReadonlyArray<string>;

/** One result of `spectral lint -f json`. */
interface LintResult {
  code: string;
  path: JsonPath;
  message: string;
  /** 0 error, 1 warn, 2 info, 3 hint. */
  severity: number;
  source: string;
}

/** What a rule's fixture must produce. */
interface Expectation {
  /** Paths at which the rule must report (each at least once). */
  paths: JsonPath[];
  /**
   * spectral:oas rules that break on the same fixture and cannot be avoided (the custom rule
   * checks a stricter form of what they check). Exactly these, and the rule itself, may fire.
   */
  alsoFiring?: string[];
}

const op = ["paths", "/things/{thingId}", "get"] as const;

const expectations: Record<string, Expectation> = {
  "error-response-shared-schema": {
    paths: [
      [...op, "responses", "400", "content", "application/json", "schema"],
      [...op, "responses", "404"],
    ],
  },
  "error-schema-shape": {
    paths: [
      ["components", "schemas", "ErrorResponse", "properties", "status"],
      ["components", "schemas", "ErrorResponse", "properties", "errors"],
    ],
  },
  "rate-limit-headers-declared": {
    paths: [["components", "responses", "NotFound", "headers"]],
  },
  "rate-limit-headers-reusable": {
    paths: [
      [...op, "responses", "200", "headers", "X-RateLimit-Resource-Until"],
      ["components", "responses", "NotFound", "headers", "X-RateLimit-Resource-Limit"],
    ],
  },
  "rate-limit-extension-shape": {
    paths: [
      [...op, "x-rate-limit", "requests"],
      [...op, "x-rate-limit", "period"],
    ],
  },
  "rate-limited-operation-auth-scopes": {
    paths: [[...op]],
  },
  "identifier-int64": {
    paths: [
      [...op, "parameters", "0", "schema"],
      [...op, "responses", "200", "content", "application/json", "schema", "properties", "ownerId"],
    ],
  },
  "operation-id-and-tags": {
    paths: [
      [...op, "operationId"],
      [...op, "tags"],
    ],
    alsoFiring: ["operation-tags"],
  },
  "media-type-examples": {
    paths: [
      ["paths", "/things", "post", "requestBody", "content", "application/json"],
      ["paths", "/things", "post", "responses", "400", "content", "application/json"],
    ],
  },
  "text-english-only": {
    paths: [
      ["info", "description"],
      [...op, "summary"],
    ],
  },
  "operation-status-codes": {
    paths: [[...op, "responses", "422"]],
  },
};

/** The custom rules as `.spectral.yaml` declares them, read when the file is collected. */
const declaredRules = readDeclaredRules();
const ruleNames = Object.keys(declaredRules).sort();
const fixtureFiles = readdirSync(fixturesDir)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

let results: LintResult[] = [];

beforeAll(async () => {
  results = await lint([contractFile, ...fixtureFiles.map((name) => join(fixturesDir, name))]);
});

describe(".spectral.yaml", () => {
  it("keeps extending spectral:oas", () => {
    const ruleset = parseYamlRecord(rulesetFile);
    expect(ruleset.extends).toEqual(["spectral:oas"]);
  });

  it("has a fixture and an expectation for every custom rule, and no stray fixture", () => {
    expect(ruleNames.length).toBeGreaterThan(0);
    expect(fixtureFiles).toEqual(ruleNames.map((name) => `${name}.yaml`));
    expect(Object.keys(expectations).sort()).toEqual(ruleNames);
  });

  it.each(ruleNames)("rule %s states a description, a message, a severity and a given", (name) => {
    const rule = declaredRules[name];
    expect(rule?.description).toEqual(expect.any(String));
    expect(rule?.message).toEqual(expect.any(String));
    expect(["error", "warn"]).toContain(rule?.severity);
    expect(rule?.given).toBeDefined();
  });
});

describe("each custom rule fires on its fixture", () => {
  it.each(ruleNames)("%s reports at the expected paths, with its severity", (name) => {
    const expected = expectations[name];
    if (expected === undefined) throw new Error(`no expectation for rule ${name}`);
    const own = resultsOf(`${name}.yaml`).filter((result) => result.code === name);
    const paths = own.map((result) => result.path);
    for (const path of expected.paths) expect(paths).toContainEqual(path);
    const severity = declaredRules[name]?.severity === "warn" ? 1 : 0;
    expect(new Set(own.map((result) => result.severity))).toEqual(new Set([severity]));
  });

  it.each(ruleNames)("%s fixture breaks no other rule", (name) => {
    const others = new Set(
      resultsOf(`${name}.yaml`)
        .map((result) => result.code)
        .filter((code) => code !== name),
    );
    expect(others).toEqual(new Set(expectations[name]?.alsoFiring ?? []));
  });
});

describe("openapi.yaml", () => {
  it("has no error or warn result under the ruleset", () => {
    const severe = results.filter((result) => result.source === contractFile && result.severity <= 1);
    expect(severe).toEqual([]);
  });
});

/** Results of the fixture `file` (a name inside the fixtures folder). */
function resultsOf(file: string): LintResult[] {
  const source = join(fixturesDir, file);
  return results.filter((result) => result.source === source);
}

/**
 * Lints `files` with the project ruleset in one Spectral CLI run and returns its JSON results.
 * Exit code 1 only means some result is an error, which the fixtures are made to produce.
 */
function lint(files: string[]): Promise<LintResult[]> {
  const args = ["lint", ...files, "--ruleset", rulesetFile, "-f", "json", "--quiet"];
  return new Promise((resolve, reject) => {
    execFile(spectralBin, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : error.code;
      if (exitCode !== 0 && exitCode !== 1) {
        reject(new Error(`spectral exited with ${String(exitCode)}: ${stderr}`));
        return;
      }
      try {
        resolve(parseResults(stdout));
      } catch (cause) {
        reject(new Error(`spectral printed no JSON results: ${stdout}\n${stderr}`, { cause }));
      }
    });
  });
}

function parseResults(stdout: string): LintResult[] {
  const data: unknown = JSON.parse(stdout);
  if (!Array.isArray(data) || !data.every(isLintResult)) {
    throw new Error("unexpected shape of spectral JSON output");
  }
  return data;
}

function isLintResult(value: unknown): value is LintResult {
  return (
    isRecord(value) &&
    typeof value.code === "string" &&
    Array.isArray(value.path) &&
    value.path.every((segment) => typeof segment === "string") &&
    typeof value.message === "string" &&
    typeof value.severity === "number" &&
    typeof value.source === "string"
  );
}

interface DeclaredRule {
  description?: unknown;
  message?: unknown;
  severity?: unknown;
  given?: unknown;
}

function readDeclaredRules(): Record<string, DeclaredRule> {
  const rules = parseYamlRecord(rulesetFile).rules;
  if (!isRecord(rules)) throw new Error(".spectral.yaml has no rules map");
  const declared: Record<string, DeclaredRule> = {};
  for (const [name, rule] of Object.entries(rules)) {
    // A non-object entry (e.g. `operation-tags: off`) only retunes a spectral:oas rule.
    if (isRecord(rule)) declared[name] = rule;
  }
  return declared;
}

function parseYamlRecord(file: string): Record<string, unknown> {
  const data: unknown = parse(readFileSync(file, "utf8"));
  if (!isRecord(data)) throw new Error(`${file} is not a YAML mapping`);
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
