import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{harness,app,microbench,scenarios,scripts,lhci}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", ".perf/**"],
    // Integration tests start real servers, Redis and Chromium on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
