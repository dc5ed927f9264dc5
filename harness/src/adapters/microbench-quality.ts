import type { QualityWarning } from "../schema/index.ts";
import { FOREIGN_LOAD_LIMIT, foreignCores, type MicrobenchRaw } from "./microbench-raw.ts";
import { median } from "./microbench-summary.ts";

/** Quality thresholds, from the gating protocol in the microbench baselines reference. */
export const MICROBENCH_LIMITS = {
  /** Fewer processes per case than this cannot separate a change from process-level noise. */
  minProcesses: 5,
  /** Per-process CV above this is too wide to compare at a 10% resolution. */
  maxCv: 0.1,
  /** Other processes using more CPU than this (cores) during a sample distort it. */
  maxForeignCores: FOREIGN_LOAD_LIMIT,
  /** mitata and tinybench medians further apart than this mean one of them is off. */
  maxToolGap: 0.15,
  /** Calls shorter than this are at the mercy of timer resolution: batch more ops per call. */
  minCallMs: 0.1,
  /** Below ~1 CPU cycle per op the loop did not run: the work was optimized out. */
  minNsPerOp: 0.3,
} as const;

/** The per-case figures the checks read. */
export interface CaseFigures {
  /** CV of mitata's per-process estimates. */
  cv: number;
  /** tinybench median / mitata median. */
  toolRatio?: number;
  maxForeignCores: number;
}

/**
 * Measurement-quality problems of one case (all its processes): each becomes a warning in the
 * run record and a flag in the table, so a case is never silently compared. Pure.
 */
export function qualityProblems(
  list: readonly MicrobenchRaw[],
  figures: CaseFigures,
  failedCount: number,
): { code: QualityWarning["code"]; message: string }[] {
  const first = list[0];
  if (!first) return [];
  const problems: { code: QualityWarning["code"]; message: string }[] = [];
  const limits = MICROBENCH_LIMITS;
  if (list.length < limits.minProcesses) {
    const failed = failedCount > 0 ? ` (${failedCount} failed)` : "";
    problems.push({
      code: "too-few-samples",
      message: `${list.length} process${list.length === 1 ? "" : "es"}${failed}; at least ${limits.minProcesses} are needed to compare`,
    });
  }
  if (figures.cv > limits.maxCv) {
    problems.push({
      code: "high-variance",
      message: `per-process spread CV ${(figures.cv * 100).toFixed(1)}% is above ${limits.maxCv * 100}%: too wide to compare`,
    });
  }
  const { toolRatio } = figures;
  if (toolRatio !== undefined && Math.abs(toolRatio - 1) > limits.maxToolGap) {
    const hint = first.group.gc
      ? " (mitata's 8 MB sample buffer slows allocation-heavy code: prefer the fixed-work ratio)"
      : "";
    problems.push({
      code: "high-variance",
      message: `mitata and tinybench disagree by ${((toolRatio - 1) * 100).toFixed(0)}%${hint}`,
    });
  }
  const loaded = list.filter((r) => foreignCores(r) > limits.maxForeignCores);
  if (loaded.length > 0) {
    problems.push({
      code: "foreign-load",
      message: `${loaded.length} of ${list.length} processes ran while other processes used up to ${figures.maxForeignCores.toFixed(2)} cores`,
    });
  }
  const callMs = median(list.flatMap((r) => (r.mitata ? [r.mitata.stats.p50 / 1e6] : [])));
  const nsPerOp = (callMs * 1e6) / first.case.ops;
  if (nsPerOp < limits.minNsPerOp) {
    problems.push({
      code: "likely-optimized-out",
      message: `${nsPerOp.toFixed(3)} ns per op is below one CPU cycle: the timed work was probably optimized away`,
    });
  } else if (callMs < limits.minCallMs) {
    problems.push({
      code: "timer-saturated",
      message: `a call takes ${(callMs * 1000).toFixed(1)} µs; batch more ops per call (>= ${limits.minCallMs} ms)`,
    });
  }
  return problems;
}
