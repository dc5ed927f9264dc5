import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { calibratedMultiplier } from "../adapters/lighthouse-calibration.ts";
import type { StabilityAudit, StabilityRun } from "../report/lighthouse-stability.ts";
import { startAppProcess } from "../runners/app.ts";
import { runBundleBuild } from "../runners/bundle.ts";
import { burnCores } from "../runners/cpu-burn.ts";
import { lighthouseProcess } from "../runners/lighthouse.ts";
import {
  auditRun,
  discardGather,
  type Gathered,
  gatherRun,
  withRetries,
} from "../runners/lighthouse-run.ts";
import { LighthouseSection } from "../schema/config.ts";

/** The app's heaviest page: its chart bundle is the CPU work throttling scales most. */
export const STABILITY_PAGE = "/dashboard";
/** The burn outlives the burned runs (each ~1 min at worst here); it ends by itself after this. */
const BURN_SECONDS_PER_RUN = 120;

export interface StabilityOptions {
  root: string;
  chromePath: string;
  /** Gathered runs per condition (idle, burned). */
  runs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

async function audit(
  lh: Awaited<ReturnType<typeof lighthouseProcess>>,
  gathered: Gathered,
  multiplier: number,
  file: string,
): Promise<StabilityAudit> {
  await auditRun(lh, gathered, multiplier, file);
  const lhr = JSON.parse(await readFile(file, "utf8")) as {
    categories: { performance: { score: number | null } };
    audits: Record<string, { numericValue?: number }>;
  };
  return {
    multiplier,
    tbt: lhr.audits["total-blocking-time"]?.numericValue ?? 0,
    score: lhr.categories.performance.score ?? 0,
    lcp: lhr.audits["largest-contentful-paint"]?.numericValue ?? 0,
  };
}

/**
 * The Lighthouse stability check: `runs` gathers of one page idle, then `runs` with every core
 * burned; each gather audited with the calibrated multiplier and with the configured fixed one,
 * so both see the very same page loads.
 */
export async function measureStability(options: StabilityOptions): Promise<StabilityRun[]> {
  const { root, signal, log } = options;
  const workDir = path.join(root, ".perf", "evaluate", "lighthouse");
  await rm(workDir, { recursive: true, force: true });
  const dist = path.join(workDir, "dist");
  await runBundleBuild(root, dist, signal);
  const { calibration } = LighthouseSection.parse({});
  const lh = await lighthouseProcess({ root, chromePath: options.chromePath, signal });
  const app = await startAppProcess({ root, env: { PERFGATE_APP_WEB_DIST: dist }, signal });
  const runs: StabilityRun[] = [];
  try {
    for (const condition of ["idle", "burned"] as const) {
      const burn =
        condition === "burned" ? await burnCores(BURN_SECONDS_PER_RUN * options.runs) : undefined;
      try {
        for (let i = 0; i < options.runs && !signal.aborted; i++) {
          const { gathered, multiplier, calibrated, fixed } = await withRetries(
            3,
            async (round) => {
              const dir = path.join(workDir, `${condition}-${i}-${round}`);
              const gathered = await gatherRun(lh, new URL(STABILITY_PAGE, app.url).href, dir);
              try {
                const multiplier = calibratedMultiplier(
                  gathered.benchmarkIndex,
                  calibration,
                  gathered.configuredMultiplier,
                );
                const calibrated = await audit(lh, gathered, multiplier, `${dir}.calibrated.json`);
                const fixed = await audit(
                  lh,
                  gathered,
                  gathered.configuredMultiplier,
                  `${dir}.fixed.json`,
                );
                return { gathered, multiplier, calibrated, fixed };
              } finally {
                await discardGather(gathered);
              }
            },
            log,
          );
          runs.push({
            condition,
            benchmarkIndex: gathered.benchmarkIndex,
            foreignCores: gathered.foreignLoad.meanCores,
            calibrated,
            fixed,
          });
          log(
            `lighthouse ${condition} ${i + 1}/${options.runs}: benchmarkIndex ${Math.round(gathered.benchmarkIndex)}, ×${multiplier} TBT ${Math.round(calibrated.tbt)} ms, ×${gathered.configuredMultiplier} TBT ${Math.round(fixed.tbt)} ms`,
          );
        }
      } finally {
        burn?.stop();
      }
    }
  } finally {
    await app.stop();
  }
  return runs;
}
