/**
 * `npm run test:e2e`: what a user does, end to end and slowly (a git clone installed with its
 * prepare build, the standalone executable built and run alone, the Python example suite). Kept out
 * of `npm test` for its minutes; `.ci/run` runs both and counts both.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    // An install from git runs npm install and the build in the clone; the executable's build copies and patches Node.
    hookTimeout: 300_000,
  },
});
