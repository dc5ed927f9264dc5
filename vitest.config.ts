import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests start real servers, Redis and Chromium on a 2-core machine.
    pool: "forks",
    maxWorkers: 2,
    projects: [
      "engine/vitest.config.ts",
      {
        // Workspace packages resolve to their TypeScript sources in tests, never to a dist/.
        ssr: { resolve: { conditions: ["perfgate-source"] } },
        test: {
          name: "harness",
          include: ["{harness,app,microbench,scenarios,scripts,lhci}/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/dist/**", ".perf/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Tests assert behaviour, not scale: a 5k-product catalogue seeds in a few seconds
          // where the 20k default (100k in the full profile) takes longer on first start.
          env: { PERFGATE_APP_SEED_PRODUCTS: "5000" },
        },
      },
    ],
  },
});
