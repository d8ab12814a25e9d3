/**
 * The built mock that `npm run bench`, `npm run soak` and bench/profile.ts run: the mock compiled
 * with tsc to plain JS, so no loader (tsx) shares its process or its measurements. It goes into a
 * folder of its own under node_modules/.cache (a `dist/` someone else is using is left alone), from
 * where it resolves the package's dependencies and finds openapi.yaml, copied above it.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The CLI inside a build, as `dist/mock/cli.js` is inside `dist/` (the package's `bin`): the one
 * place that names it, so a move of the entry point is a one-line change.
 */
export const MOCK_CLI_ENTRY = "mock/cli.js";

/** Where `buildMock(name)` puts its build; {@link MOCK_CLI_ENTRY} below it is the CLI. */
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
  const cli = join(outDir, MOCK_CLI_ENTRY);
  if (!existsSync(cli)) return { cli: undefined, output: `tsc exited ${tsc.status}: ${(tsc.stdout + tsc.stderr).trim().split("\n").slice(0, 5).join(" | ")}` };
  // The mock finds its package root (package.json beside openapi.yaml) above itself, as above dist/.
  copyFileSync(join(ROOT, "openapi.yaml"), join(outDir, "openapi.yaml"));
  copyFileSync(join(ROOT, "package.json"), join(outDir, "package.json"));
  // The start-up work the package's build does (the contract as JSON, validators as code), as `npm run build` does.
  const prebuild = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "scripts/prebuild.ts"), outDir], { cwd: ROOT, encoding: "utf8" });
  if (prebuild.status !== 0) return { cli: undefined, output: `prebuild exited ${prebuild.status}: ${prebuild.stderr.trim().split("\n").slice(0, 5).join(" | ")}` };
  return { cli };
}

/**
 * Transpiles scripts of bench/ (names without `.ts`) into `<build>/bench/` as ES modules, so the
 * servers and in-process rows the bench runs as children carry no loader either; their relative
 * imports (`../testing/index.js`, `./request.js`) then find the compiled package beside them.
 * Returns the path of each output, by name.
 */
export function transpileBenchScripts(buildDir: string, names: readonly string[]): Record<string, string> {
  const outDir = join(buildDir, "bench");
  mkdirSync(outDir, { recursive: true });
  // The build sits under node_modules, where Node looks for no package.json of ours; say ESM here.
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  const outputs: Record<string, string> = {};
  for (const name of names) {
    const source = readFileSync(join(ROOT, "bench", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: `${name}.ts`,
    });
    const file = join(outDir, `${name}.js`);
    writeFileSync(file, outputText);
    outputs[name] = file;
  }
  return outputs;
}
