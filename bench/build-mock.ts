/**
 * The built mock that `npm run bench`, `npm run soak` and bench/profile.ts run: the mock compiled
 * with tsc to plain JS, so no loader (tsx) shares its process or its measurements. It goes into a
 * folder of its own under node_modules/.cache (a `dist/` someone else is using is left alone), from
 * where it resolves the package's dependencies and finds openapi.yaml, copied above it.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Where `buildMock(name)` puts its build; `mock/cli.js` below it is the CLI. */
export function builtMockDir(name: string): string {
  return join(ROOT, "node_modules", ".cache", name);
}

/**
 * Compiles the mock into `builtMockDir(name)` and returns the path of its cli.js, or undefined
 * with tsc's first lines of output when the build did not produce it. Type errors elsewhere in the
 * tree (work in progress) do not stop tsc from emitting; only a missing CLI fails the build.
 */
export function buildMock(name: string): { cli: string } | { cli: undefined; output: string } {
  const outDir = builtMockDir(name);
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir, "--declaration", "false"],
    { cwd: ROOT, encoding: "utf8" },
  );
  const cli = join(outDir, "mock/cli.js");
  if (!existsSync(cli)) return { cli: undefined, output: `tsc exited ${tsc.status}: ${(tsc.stdout + tsc.stderr).trim().split("\n").slice(0, 5).join(" | ")}` };
  // The mock looks for openapi.yaml a few directories above itself, as it finds it above dist/.
  copyFileSync(join(ROOT, "openapi.yaml"), join(outDir, "openapi.yaml"));
  return { cli };
}
