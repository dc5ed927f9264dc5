import { expect, it } from "vitest";

/**
 * The same documentation examples, unchanged, with every blocking-style script on a thread per
 * VU (the fallback mode) instead of compiled to async: both modes must give k6's counts and
 * exit codes.
 */
process.env.PERFGATE_ENGINE_MODE = "sync";
const { k6Cli, startLoopback } = await import("./loopback.ts");
await import("./examples.test.ts");

it("names the thread-per-VU mode in the summary", async () => {
  const server = await startLoopback(() => ({ text: "ok" }));
  try {
    const script = new URL("./examples/checks.js", import.meta.url).pathname;
    const o = await k6Cli(["run", "-e", `BASE_URL=${server.baseUrl}`, script], process.cwd());
    expect(o.stdout).toContain("sync mode, one thread per VU");
  } finally {
    await server.close();
  }
});
