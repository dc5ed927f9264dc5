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
    // Tests assert behaviour, not scale: a 5k-product catalogue seeds in a few seconds where
    // the 20k default (100k in the full profile) takes longer on first start.
    env: { PERFGATE_APP_SEED_PRODUCTS: "5000" },
  },
});
