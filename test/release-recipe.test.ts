/**
 * examples/ci/release.yml is a recipe (nothing is published from here), so what can be checked
 * without GitHub is checked: it runs on version tags only, tests before it publishes, publishes the
 * tarball it packed with provenance (and the OIDC permission that needs), and every npm script
 * it calls exists.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "..");
interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
const recipe = parse(readFileSync(join(ROOT, "examples", "ci", "release.yml"), "utf8")) as {
  on: { push: { tags: string[]; branches?: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const job = (name: string): Job => {
  const found = recipe.jobs[name];
  if (found === undefined) throw new Error(`release.yml has no job ${name}`);
  return found;
};
const runs = (j: Job) => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

describe("examples/ci/release.yml", () => {
  it("runs on a version tag and on nothing else", () => {
    expect(Object.keys(recipe.on)).toEqual(["push"]);
    expect(recipe.on.push).toEqual({ tags: ["v*.*.*"] });
    expect(recipe.permissions).toEqual({ contents: "read" });
  });

  it("publishes only after the whole CI run passed", () => {
    expect(runs(job("test"))).toContain("bash .ci/run");
    expect(job("publish").needs).toBe("test");
    expect(job("executables").needs).toBe("publish");
  });

  it("publishes the tarball it packed, with provenance, after checking the tag against package.json", () => {
    const publish = job("publish");
    expect(publish.permissions).toMatchObject({ "id-token": "write" });
    const commands = runs(publish);
    const pack = commands.findIndex((c) => c.startsWith("npm pack --pack-destination release"));
    const tag = commands.findIndex((c) => c.includes("$GITHUB_REF_NAME") && c.includes("package.json"));
    const upload = commands.findIndex((c) => c.startsWith("npm publish release/*.tgz"));
    expect([tag >= 0, pack > tag, upload > pack]).toEqual([true, true, true]);
    expect(commands[upload]).toMatch(/ --provenance( |$)/);
    expect(publish.steps.find((s) => s.run?.startsWith("npm publish"))?.env).toHaveProperty("NODE_AUTH_TOKEN");
  });

  it("calls only npm scripts that package.json has", () => {
    const called = Object.values(recipe.jobs)
      .flatMap(runs)
      .flatMap((command) => [...command.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((name) => scripts[name] === undefined)).toEqual([]);
  });
});
