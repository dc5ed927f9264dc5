import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRODUCTS } from "../../../scenarios/_lib/catalogue.ts";
import { runCli } from "../../src/cli/main.ts";
import { type AppProcess, startAppProcess } from "../../src/runners/app.ts";
import { captureIo } from "../capture-io.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let app: AppProcess;
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-scenarios-"));
  app = await startAppProcess({ root });
});
afterAll(async () => {
  await app?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const io = () => captureIo(root, { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true" });

/**
 * Each scenario, shortened by its own variables, against the real app. Latency thresholds are a
 * benchmark's business, not a test's (CI machines are loaded): the run uses --no-thresholds and
 * the test asserts behaviour — every check holds, no request fails, writes are visible.
 */
const CASES: [string, string[]][] = [
  ["browse", ["BROWSE_VUS=4", "BROWSE_RAMP=1s", "BROWSE_HOLD=3s", "THINK_SCALE=0.05"]],
  ["write-invalidate", ["WRITE_VUS=3", "WRITE_DURATION=4s", "THINK_SCALE=0.1"]],
  ["spike", ["SPIKE_BASE_RATE=10", "SPIKE_FLAT=1s", "SPIKE_HOLD=2s"]],
  ["batch-job", ["JOBS=2"]],
  ["soak", ["SOAK_DURATION=3s", "SOAK_RATE=20"]],
];

describe("scenarios against the reference app (built-in engine)", () => {
  it.each(CASES)(
    "%s runs with every check holding",
    async (name, vars) => {
      const summary = path.join(scratch, `${name}.json`);
      const cli = io();
      const code = await runCli(
        [
          "k6",
          "run",
          `scenarios/${name}.ts`,
          "-e",
          `BASE_URL=${app.url}`,
          "-e",
          `PRODUCTS=${process.env.PERFGATE_APP_SEED_PRODUCTS ?? DEFAULT_PRODUCTS}`,
          ...vars.flatMap((v) => ["-e", v]),
          "--summary-export",
          summary,
          "--no-thresholds",
          "--quiet",
        ],
        cli,
      );
      const exported = JSON.parse(await readFile(summary, "utf8"));
      expect(code, `${cli.stderr()}\n${JSON.stringify(exported.metrics.checks)}`).toBe(0);
      expect(exported.metrics.http_reqs.count).toBeGreaterThan(0);
      expect(exported.metrics.checks.fails).toBe(0);
      expect(exported.metrics.http_req_failed.value).toBe(0);
      if (name === "write-invalidate") {
        // The invalidation check ran, and every write was visible on the next read.
        const checks = exported.root_group.checks["write visible on next read"];
        expect(checks.passes).toBeGreaterThan(0);
        expect(checks.fails).toBe(0);
      }
      if (name === "batch-job") {
        // k6's summary export has no count for trends; the check counts the jobs.
        expect(exported.root_group.checks["job done"]).toMatchObject({ passes: 2, fails: 0 });
        expect(exported.metrics.job_duration.max).toBeGreaterThan(0);
      }
    },
    90_000,
  );
});
