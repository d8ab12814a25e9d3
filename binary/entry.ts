/**
 * The entry of the standalone executable (a Node single executable application, built by
 * binary/build.ts). It writes the embedded package folder (binary/package-folder.ts), points the
 * bundled mock's `import.meta.url` into it and makes the run look like
 * `node <folder>/dist/mock/cli.js <arguments>`; then it loads mock/cli.ts, which starts itself as
 * it does from an installed package: the same options, output, exit codes and signal handling.
 */
import { getAsset } from "node:sea";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { setModuleUrl } from "./module-url.js";
import { cliPath, MANIFEST_ASSET, materializePackage, type PackageManifest } from "./package-folder.js";

function fail(what: string, error: unknown): void {
  process.stderr.write(`error: ${what}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

let cli: string | undefined;
try {
  const manifest = JSON.parse(getAsset(MANIFEST_ASSET, "utf8")) as PackageManifest;
  cli = cliPath(materializePackage(manifest, (path) => new Uint8Array(getAsset(path))));
} catch (error) {
  fail(`cannot write the executable's files under ${tmpdir()} (set TMPDIR to a writable directory)`, error);
}

if (cli !== undefined) {
  setModuleUrl(pathToFileURL(cli).href);
  // A single executable's argv is [executable, the path it was started by, ...arguments]: the second
  // slot becomes the script's, as under `node dist/mock/cli.js`, which mock/cli.ts checks to run itself.
  process.argv[1] = cli;
  // Imported only now, not at the top: its modules read import.meta.url when they are evaluated.
  import("../mock/cli.js").catch((error: unknown) => fail("cannot start the mock", error));
}
