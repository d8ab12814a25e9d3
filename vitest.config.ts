import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The slow end-to-end checks (install from git, the executable, the Python suite): npm run test:e2e.
    exclude: [...configDefaults.exclude, "test/e2e/**"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
