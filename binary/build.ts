/**
 * `npm run build:binary [-- --out <file>]`: the mock as one executable file for this machine's
 * platform and architecture, which runs with no Node installation and no node_modules. Default
 * output: `build/createchat-mock` (`.exe` on Windows).
 *
 * How (Node's single executable applications, https://nodejs.org/api/single-executable-applications.html):
 * 1. esbuild bundles binary/entry.ts and the mock into one CommonJS file (what a single executable
 *    runs), with `import.meta.url` defined as binary/module-url.ts's `moduleUrl`;
 * 2. the files the mock reads at run time become assets (binary/package-folder.ts writes them out
 *    as a package folder at start): package.json, openapi.yaml and swagger-ui-dist's files for /docs;
 * 3. `node --experimental-sea-config` makes the preparation blob; postject injects it into a copy
 *    of this very `node` (stripped of its symbols on Linux when `strip` is there; re-signed ad hoc
 *    on macOS).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build, type Message, type Plugin } from "esbuild";
import { readContractDocument } from "../mock/contract/contract-document.js";
import { defaultSpecPath, loadContract } from "../mock/contract/load-contract.js";
import { standaloneValidatorsModule } from "../scripts/standalone-validators.js";
import { MANIFEST_ASSET, type PackageManifest } from "./package-folder.js";

const ROOT = resolve(import.meta.dirname, "..");
const requireFromRoot = createRequire(join(ROOT, "package.json"));
/** The sentinel postject flips to tell Node a blob is injected (Node's docs, and `strings node`). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** Served by /docs (mock/docs/docs-app.ts lists the names it serves), plus the licence texts Apache-2.0 asks to keep with them. */
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui.css.map", "favicon-32x32.png", "LICENSE", "NOTICE"];

interface PackageJson {
  name: string;
  version: string;
  license?: string;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as PackageJson;

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

function failOnWarnings(what: string, warnings: Message[]): void {
  if (warnings.length === 0) return;
  const text = warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ""}${w.text}`).join("\n");
  throw new Error(`esbuild warned while bundling ${what}:\n${text}`);
}

/**
 * The start-up work `npm run build` does (scripts/prebuild.ts), done for the bundle too: the
 * contract as JSON and the request validators as code stand in for the placeholder modules.
 */
const startUpWorkAtBuild: Plugin = {
  name: "start-up-work-at-build",
  setup(bundler) {
    const contractDir = join(ROOT, "mock", "contract");
    const document = () => readContractDocument(defaultSpecPath());
    bundler.onLoad({ filter: /[\\/]mock[\\/]contract[\\/]prebuilt-contract\.ts$/ }, () => ({
      contents: `export const prebuiltContract = ${JSON.stringify(document())};\n`,
      loader: "js",
    }));
    bundler.onLoad({ filter: /[\\/]mock[\\/]contract[\\/]precompiled-validators\.ts$/ }, () => ({
      contents: standaloneValidatorsModule(loadContract(), document().sha256, "./int64.ts"),
      loader: "js",
      resolveDir: contractDir,
    }));
  },
};

/** The bundle of the mock: one CommonJS file whose modules see `import.meta.url` as binary/module-url.ts says. */
async function bundleMock(outfile: string): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, "binary", "entry.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    inject: [join(ROOT, "binary", "module-url.ts")],
    define: { "import.meta.url": "moduleUrl" },
    plugins: [startUpWorkAtBuild],
    minify: true,
    keepNames: true,
    legalComments: "none",
    logLevel: "silent",
  });
  failOnWarnings("the mock", result.warnings);
}

/** The package folder's files by path: what the mock finds on disk when it runs from the executable. */
async function packageFiles(): Promise<Map<string, Uint8Array>> {
  const pkg = readJson(join(ROOT, "package.json"));
  const swaggerUiDir = dirname(requireFromRoot.resolve("swagger-ui-dist/package.json"));
  const swaggerUi = readJson(join(swaggerUiDir, "package.json"));
  const files = new Map<string, Uint8Array>();
  files.set("package.json", json({ name: pkg.name, version: pkg.version, license: pkg.license, description: "Written by the createchat-mock executable at start; safe to delete." }));
  files.set("LICENSE", readFileSync(join(ROOT, "LICENSE")));
  files.set("openapi.yaml", readFileSync(join(ROOT, "openapi.yaml")));
  // Never run: the bundled code is. It is where import.meta.url points, and mock/cli.ts checks it is the script.
  files.set("dist/mock/cli.js", new TextEncoder().encode("// The createchat-mock executable runs its own bundled copy of this module.\n"));
  files.set("node_modules/swagger-ui-dist/package.json", json({ name: swaggerUi.name, version: swaggerUi.version, license: swaggerUi.license }));
  for (const name of SWAGGER_UI_FILES) files.set(`node_modules/swagger-ui-dist/${name}`, readFileSync(join(swaggerUiDir, name)));
  return files;
}

function contentHash(files: Map<string, Uint8Array>): string {
  const hash = createHash("sha256");
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${path}\0${bytes.byteLength}\0`).update(bytes);
  }
  return hash.digest("hex");
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface BinaryBuild {
  path: string;
  bytes: number;
  stripped: boolean;
}

/** Builds the executable at `out`; see the module comment for the steps. */
export async function buildBinary(out: string): Promise<BinaryBuild> {
  const node = readFileSync(process.execPath);
  if (!node.includes(`${SEA_FUSE}:0`)) {
    throw new Error(`${process.execPath} (Node ${process.version}) has no single-executable fuse; use an official Node build from nodejs.org`);
  }
  const work = mkdtempSync(join(tmpdir(), "createchat-mock-binary-"));
  try {
    const main = join(work, "main.cjs");
    await bundleMock(main);

    const files = await packageFiles();
    const manifest: PackageManifest = { version: readJson(join(ROOT, "package.json")).version, hash: contentHash(files), files: [...files.keys()] };
    const assets: Record<string, string> = {};
    for (const [index, [path, bytes]] of [...files].entries()) {
      assets[path] = join(work, `asset-${index}`);
      writeFileSync(assets[path], bytes);
    }
    assets[MANIFEST_ASSET] = join(work, MANIFEST_ASSET);
    writeFileSync(assets[MANIFEST_ASSET], json(manifest));

    const blob = join(work, "sea.blob");
    const config = { main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets };
    writeFileSync(join(work, "sea-config.json"), JSON.stringify(config, null, 2));
    run(process.execPath, ["--experimental-sea-config", join(work, "sea-config.json")]);

    mkdirSync(dirname(out), { recursive: true });
    rmSync(out, { force: true });
    copyFileSync(process.execPath, out);
    chmodSync(out, 0o755);
    // Node's symbols are an eighth of its size and nothing a user of the mock needs.
    const stripped = process.platform === "linux" && hasCommand("strip");
    if (stripped) run("strip", [out]);
    if (process.platform === "darwin") run("codesign", ["--remove-signature", out]);
    const postject = requireFromRoot.resolve("postject/dist/cli.js");
    const macho = process.platform === "darwin" ? ["--macho-segment-name", "NODE_SEA"] : [];
    run(process.execPath, [postject, out, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE, ...macho]);
    if (process.platform === "darwin") run("codesign", ["--sign", "-", out]);
    return { path: out, bytes: statSync(out).size, stripped };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const out = resolve(values.out ?? join(ROOT, "build", process.platform === "win32" ? "createchat-mock.exe" : "createchat-mock"));
  buildBinary(out).then(
    (built) => {
      const mib = (built.bytes / 1024 / 1024).toFixed(1);
      console.log(`wrote ${built.path}: ${mib} MiB, ${process.platform}-${process.arch}, Node ${process.version}${built.stripped ? ", symbols stripped" : ""}`);
    },
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
