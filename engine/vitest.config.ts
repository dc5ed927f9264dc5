import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests run the engine from its TypeScript sources, never from a built dist/.
  ssr: { resolve: { conditions: ["perfgate-source"] } },
  test: {
    name: "engine",
    root: import.meta.dirname,
    include: ["{src,test}/**/*.test.ts"],
    // Conformance tests run real engines against loopback servers on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
