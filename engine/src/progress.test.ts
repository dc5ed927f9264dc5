import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { k6Cli, startLoopback } from "../test/conformance/loopback.ts";
import { planScenarios } from "./options.ts";
import { clock, renderProgress } from "./progress.ts";

describe("live progress, k6's shape", () => {
  const { scenarios } = planScenarios({ vus: 50, duration: "10s" });
  const view = {
    elapsedMs: 5000,
    active: 5,
    initialized: 50,
    scenarios: new Map([["default", { active: 5, complete: 1234, interrupted: 0 }]]),
  };
  it("prints k6's running line and a per-scenario bar", () => {
    const [running, bar] = renderProgress(scenarios, view, true);
    expect(running).toBe(
      "running (0m05.0s), 05/50 VUs, 1234 complete and 0 interrupted iterations",
    );
    expect(bar).toBe(`default [${"=".repeat(20)}>${"-".repeat(19)}] 5/50 VUs  0m05.0s/0m10.0s`);
  });
  it("prints a percentage instead of a bar when stdout is not a terminal", () => {
    expect(renderProgress(scenarios, view, false)[1]).toContain("[  50% ]");
  });
  it("counts iterations for iteration-based executors", () => {
    const shared = planScenarios({ vus: 2, iterations: 10 }).scenarios;
    const lines = renderProgress(
      shared,
      { ...view, scenarios: new Map([["default", { active: 2, complete: 4, interrupted: 1 }]]) },
      false,
    );
    expect(lines[0]).toContain("4 complete and 1 interrupted iterations");
    expect(lines[1]).toContain("[  50% ] 2/2 VUs  5/10 iters");
  });
  it("formats k6's clock", () => {
    expect(clock(65_432)).toBe("1m05.4s");
  });
});

describe("live progress on a real run", () => {
  it("prints k6's progress as plain lines when stdout is not a terminal; --quiet hides only it", async () => {
    const server = await startLoopback(() => ({ text: "ok" }));
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-progress-"));
    try {
      const script = path.join(dir, "p.js");
      await writeFile(
        script,
        `import http from "k6/http";\nimport { sleep } from "k6";\nexport const options = { vus: 2, duration: "1500ms" };\nexport default function () { http.get(__ENV.BASE_URL); sleep(0.1); }\n`,
      );
      const run = (flags: string[]) =>
        k6Cli(["run", ...flags, "-e", `BASE_URL=${server.baseUrl}`, script], dir);
      const loud = await run([]);
      expect(loud.code).toBe(0);
      expect(loud.stdout).toMatch(
        /running \(0m0\d\.\ds\), \d\/2 VUs, \d+ complete and 0 interrupted iterations/,
      );
      expect(loud.stdout).toMatch(/default \[ +\d+% \] \d\/2 VUs {2}0m0\d\.\ds\/0m01\.5s/);
      const quiet = await run(["--quiet"]);
      expect(quiet.stdout).not.toContain("running (");
      expect(quiet.stdout).toMatch(/http_reqs\.+: \d+/);
      const bare = await run(["--no-summary"]);
      expect(bare.stdout).not.toMatch(/http_reqs\.+/);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
