import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibratedMultiplier } from "../../src/adapters/lighthouse-calibration.ts";
import type { LoadContext } from "../../src/pipeline/load-context.ts";
import { beginRunRecord } from "../../src/pipeline/run-record.ts";
import { lighthouseStage } from "../../src/pipeline/stages/lighthouse.ts";
import { type AppProcess, startAppProcess } from "../../src/runners/app.ts";
import { runBundleBuild } from "../../src/runners/bundle.ts";
import { burnCores, type CpuBurn } from "../../src/runners/cpu-burn.ts";
import { LighthouseSection } from "../../src/schema/config.ts";
import { parseRunResult, type Suite, type Verdict } from "../../src/schema/index.ts";
import { chromePath } from "../chromium.ts";

const root = path.resolve(import.meta.dirname, "../../..");
/** The app's heaviest page (a chart bundle): the one whose CPU work throttling scales most. */
const PAGE = "/dashboard";
const RUNS = 3;
/** Each burner stops by itself after this long, even if the test process is killed. */
const BURN_SECONDS = 900;

describe.skipIf(!chromePath)("Lighthouse calibrated to a busy machine", () => {
  const lighthouse = LighthouseSection.parse({ config: "lighthouserc.json" });
  let scratch: string;
  let app: AppProcess | undefined;
  let burn: CpuBurn | undefined;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-lh-calibration-"));
    const dist = path.join(scratch, "dist");
    await runBundleBuild(root, dist);
    app = await startAppProcess({ root, env: { PERFGATE_APP_WEB_DIST: dist } });
  }, 180_000);

  afterAll(async () => {
    burn?.stop();
    await app?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  /** The real Lighthouse stage of `perfgate load`, gated, on one page of this build. */
  async function stage(label: string): Promise<{ suites: Suite[]; verdicts: Verdict[] }> {
    const context = {
      root,
      rawDir: path.join(scratch, label),
      env: { ...process.env, CHROME_PATH: chromePath },
      profile: { lighthouse: { paths: [PAGE], runs: RUNS, gate: true } },
      lighthouse,
      baseUrl: app?.url,
      signal: AbortSignal.timeout(BURN_SECONDS * 1000),
      log: () => {},
    } as unknown as LoadContext;
    const result = await lighthouseStage.run(context);
    return { suites: result.suites, verdicts: result.verdicts ?? [] };
  }

  it(
    "keeps the gated metrics within budget with both cores burned, and records the calibration",
    async () => {
      const idle = await stage("idle");
      let burned: Awaited<ReturnType<typeof stage>>;
      try {
        burn = await burnCores(BURN_SECONDS);
        burned = await stage("burned");
        // The burners outlived the burned stage: every one of its runs gathered under them.
        expect(burn.alive()).toBe(true);
      } finally {
        burn?.stop();
      }

      for (const outcome of [idle, burned]) {
        const page = outcome.suites.find((s) => s.kind === "lighthouse" && s.id === "dashboard");
        expect(page?.status).toBe("ok");
        // The stable budgets (LCP, CLS, bytes, request count) gate and hold on the same build.
        const failedGates = outcome.verdicts.filter(
          (v) => v.level === "error" && v.status === "fail",
        );
        expect(failedGates.map((v) => v.message)).toEqual([]);
        // Score and TBT never gate: at most a warning with their spread.
        for (const v of outcome.verdicts.filter((v) =>
          ["categories:performance", "total-blocking-time"].includes(v.metric),
        ))
          expect(v).toMatchObject({ level: "warn", evidence: { gated: false, runs: RUNS } });
      }

      // The calibration is in the run record (schema-validated), run by run.
      const record = await beginRunRecord(root, "lighthouse-calibration", {}, process.env);
      const run = parseRunResult(
        record.finish({
          suites: [
            ...idle.suites.map((s) => ({ ...s, id: `${s.id}-idle` })),
            ...burned.suites.map((s) => ({ ...s, id: `${s.id}-burned` })),
          ],
          verdicts: [],
        }),
        "lighthouse-calibration",
      );
      const calibrationOf = (id: string) => run.suites.find((s) => s.id === id)?.calibration;
      for (const id of ["dashboard-idle", "dashboard-burned"]) {
        const calibration = calibrationOf(id);
        expect(calibration?.method).toBe("benchmark-index");
        expect(calibration?.runs).toHaveLength(RUNS);
        expect(calibration?.ungated).toEqual(["performance_score", "tbt"]);
        for (const r of calibration?.runs ?? []) {
          expect(r.benchmarkIndex).toBeGreaterThan(0);
          expect(r.foreignCores).toBeGreaterThanOrEqual(0);
          // Each run was audited with the multiplier its own benchmarkIndex calls for.
          expect(r.cpuSlowdownMultiplier).toBe(
            calibratedMultiplier(r.benchmarkIndex, lighthouse.calibration, 4),
          );
        }
      }
      // Two busy loops on two cores: whatever else runs, the burned runs saw foreign load.
      const burnedForeign = calibrationOf("dashboard-burned")?.runs.map((r) => r.foreignCores ?? 0);
      expect(Math.min(...(burnedForeign ?? [0]))).toBeGreaterThan(0.5);
    },
    BURN_SECONDS * 1000,
  );
});
