/** The package's version, read once from its package.json (for --version and GET /__mock/health). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The package's version, from the package.json above this file (source `mock/` or build `dist/mock/`). */
export function packageVersion(): string {
  return (cached ??= readVersion());
}

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (typeof pkg.version === "string" && typeof pkg.name === "string") return pkg.version;
    } catch {
      // No (readable) package.json here; keep climbing.
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

