/**
 * Files of this package found from the running module, from source (`mock/…`) or build
 * (`dist/mock/…`): the contract, package.json and its version.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;
let version: string | undefined;

/** The folder holding this package's package.json. */
export function packageRoot(): string {
  return (root ??= findRoot());
}

/** A file of the package by its path from the package root, e.g. `openapi.yaml`. */
export function packageFilePath(relative: string): string {
  return join(packageRoot(), relative);
}

/** The package's version, for --version and `GET /__mock/health`. */
export function packageVersion(): string {
  return (version ??= readVersion());
}

function findRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "openapi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`package root (package.json beside openapi.yaml) not found above ${start}`);
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packageFilePath("package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
