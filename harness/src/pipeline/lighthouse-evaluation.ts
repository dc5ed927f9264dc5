import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { calibratedMultiplier } from "../adapters/lighthouse-calibration.ts";
import type { StabilityAudit, StabilityRun } from "../report/lighthouse-stability.ts";
import { startAppProcess } from "../runners/app.ts";
import { runBundleBuild } from "../runners/bundle.ts";
import { burnCores } from "../runners/cpu-burn.ts";
import { lighthouseProcess } from "../runners/lighthouse.ts";

type LighthouseProcess = Awaited<ReturnType<typeof lighthouseProcess>>;

import {
  auditRun,
  discardGather,
  type Gathered,
  gatherRun,
  withRetries,
} from "../runners/lighthouse-run.ts";
import { type LighthouseCalibrationConfig, LighthouseSection } from "../schema/config.ts";

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
  lh: LighthouseProcess,
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

/** One gathered run, kept until the matched audit: its LHR files are named after `dir`. */
type Kept = Omit<StabilityRun, "audits"> & {
  gathered: Gathered;
  audits: Omit<StabilityRun["audits"], "matched">;
};

/** Gather one run (again on a lost trace) and audit it calibrated and at the fixed multiplier. */
async function gatherAndAudit(
  lh: LighthouseProcess,
  url: string,
  dir: string,
  calibration: LighthouseCalibrationConfig,
  log: (line: string) => void,
): Promise<Omit<Kept, "condition">> {
  return withRetries(
    3,
    async (round) => {
      const gathered = await gatherRun(lh, url, `${dir}-${round}`);
      try {
        const multiplier = calibratedMultiplier(
          gathered.benchmarkIndex,
          calibration,
          gathered.configuredMultiplier,
        );
        const file = (what: string) => `${gathered.dir}.${what}.json`;
        const calibrated = await audit(lh, gathered, multiplier, file("calibrated"));
        const fixed = await audit(lh, gathered, gathered.configuredMultiplier, file("fixed"));
        return {
          gathered,
          benchmarkIndex: gathered.benchmarkIndex,
          foreignCores: gathered.foreignLoad.meanCores,
          audits: { calibrated, fixed },
        };
      } catch (error) {
        await discardGather(gathered);
        throw error;
      }
    },
    log,
  );
}

/**
 * The Lighthouse stability check: `runs` gathers of one page idle, then `runs` with every core
 * burned; each gather audited with the calibrated multiplier, the configured fixed one and,
 * once all are gathered, a fixed one equal to the calibrated median, so all three see the very
 * same page loads.
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
  const kept: Kept[] = [];
  try {
    for (const condition of ["idle", "burned"] as const) {
      const burn =
        condition === "burned" ? await burnCores(BURN_SECONDS_PER_RUN * options.runs) : undefined;
      try {
        for (let i = 0; i < options.runs && !signal.aborted; i++) {
          const url = new URL(STABILITY_PAGE, app.url).href;
          const run = await gatherAndAudit(
            lh,
            url,
            path.join(workDir, `${condition}-${i}`),
            calibration,
            log,
          );
          kept.push({ ...run, condition });
          log(
            `lighthouse ${condition} ${i + 1}/${options.runs}: benchmarkIndex ${Math.round(run.benchmarkIndex)}, ×${run.audits.calibrated.multiplier} TBT ${Math.round(run.audits.calibrated.tbt)} ms, ×${run.audits.fixed.multiplier} TBT ${Math.round(run.audits.fixed.tbt)} ms`,
          );
        }
      } finally {
        burn?.stop();
      }
    }
  } finally {
    await app.stop();
  }
  // Auditing is simulation on the saved trace: no page loads, so no burn is needed here.
  const multipliers = kept.map((k) => k.audits.calibrated.multiplier).sort((a, b) => a - b);
  const matched = multipliers[multipliers.length >> 1] ?? 4;
  const runs: StabilityRun[] = [];
  for (const { gathered, ...run } of kept) {
    const file = `${gathered.dir}.matched.json`;
    runs.push({
      ...run,
      audits: { ...run.audits, matched: await audit(lh, gathered, matched, file) },
    });
    await discardGather(gathered);
  }
  return runs;
}
