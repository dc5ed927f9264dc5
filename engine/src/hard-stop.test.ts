import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli, type Loopback, startLoopback } from "../test/conformance/loopback.ts";

/**
 * k6 interrupts an iteration still running at its scenario's hard stop (duration +
 * gracefulStop) even when it never yields, and SIGTERM ends a run with its summary.
 */
let server: Loopback;
let dir: string;
let busy: string;

beforeAll(async () => {
  server = await startLoopback(() => ({ text: "ok" }));
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-hard-stop-"));
  busy = path.join(dir, "busy.js");
  // The second iteration spins forever: only the hard stop at 1 s + 0.5 s can end it.
  await writeFile(
    busy,
    `import http from "k6/http";
export const options = { scenarios: { spin: { executor: "constant-vus", vus: 1, duration: "1s", gracefulStop: "500ms" } } };
export default function () {
  http.get(__ENV.BASE_URL);
  if (__ITER === 1) { let n = 0; while (true) { n += 1; } }
}
`,
  );
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an iteration in a busy loop is interrupted at the hard stop", () => {
  for (const mode of ["auto", "sync"]) {
    it(`${mode === "auto" ? "compiled to async" : "thread per VU"}: one complete, one interrupted, exit 0`, async () => {
      const summary = path.join(dir, `${mode}.json`);
      const previous = process.env.PERFGATE_ENGINE_MODE;
      process.env.PERFGATE_ENGINE_MODE = mode;
      try {
        const o = await k6Cli(
          ["run", "-e", `BASE_URL=${server.baseUrl}`, "--summary-export", summary, busy],
          dir,
        );
        expect(o.code).toBe(0);
        expect(o.stdout).toContain(mode === "auto" ? "compiled to async" : "one thread per VU");
        expect(o.stdout).toContain("1 complete and 1 interrupted iterations");
        const exported = JSON.parse(
          await import("node:fs/promises").then((fs) => fs.readFile(summary, "utf8")),
        );
        expect(exported.metrics.iterations.count).toBe(1);
        expect(exported.metrics.http_reqs.count).toBe(2);
      } finally {
        if (previous === undefined) delete process.env.PERFGATE_ENGINE_MODE;
        else process.env.PERFGATE_ENGINE_MODE = previous;
      }
    });
  }
});

describe("SIGTERM", () => {
  it("ends a 60 s run early with k6's exit code 105 and the summary", async () => {
    const script = path.join(dir, "long.js");
    await writeFile(
      script,
      `import http from "k6/http";\nimport { sleep } from "k6";\nexport const options = { vus: 2, duration: "60s" };\nexport default function () { http.get(__ENV.BASE_URL); sleep(0.05); }\n`,
    );
    const bin = path.join(import.meta.dirname, "../bin/perfgate-k6.mjs");
    const child = spawn(
      process.execPath,
      [bin, "run", "-e", `BASE_URL=${server.baseUrl}`, script],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      // Plain progress lines (stdout is a pipe): the test is running; stop it.
      if (stdout.includes("running (") && !child.killed) child.kill("SIGTERM");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(105);
    expect(stdout).toMatch(/http_reqs\.+: \d+/);
    expect(stdout).toContain("complete and");
  });
});
