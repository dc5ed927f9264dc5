import { defineConfig } from "vitest/config";

// Heavy integration files start the app, Redis, Chromium or whole CI jobs, and several measure
// on the real clock. Two of them side by side on 2 shared cores starved each other, so they run
// one at a time in their own project while the second worker takes the fast files.
const HEAVY = ["harness/test/integration/**/*.test.ts", "harness/test/e2e/**/*.test.ts"];

const harness = {
  // Workspace packages resolve to their TypeScript sources in tests, never to a dist/.
  ssr: { resolve: { conditions: ["perfgate-source"] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests assert behaviour, not scale: a 5k-product catalogue seeds in a few seconds
    // where the 20k default (100k in the full profile) takes longer on first start.
    env: { PERFGATE_APP_SEED_PRODUCTS: "5000" },
  },
};

export default defineConfig({
  test: {
    // Integration tests start real servers, Redis and Chromium on a 2-core machine.
    pool: "forks",
    maxWorkers: 2,
    projects: [
      "engine/vitest.config.ts",
      {
        ...harness,
        test: {
          ...harness.test,
          name: "harness",
          include: ["{harness,app,microbench,scenarios,scripts,lhci}/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/dist/**", ".perf/**", ...HEAVY],
        },
      },
      {
        ...harness,
        test: { ...harness.test, name: "integration", include: HEAVY, fileParallelism: false },
      },
    ],
  },
});
