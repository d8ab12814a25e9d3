/**
 * Runs the example tests of this folder: `npx vitest run --config examples/vitest.config.ts`.
 * (The repository's own config runs test/ only; in your project your config finds such files.)
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.test.ts"],
  },
});
