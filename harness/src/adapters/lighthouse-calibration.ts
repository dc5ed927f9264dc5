import type { LighthouseCalibrationConfig } from "../schema/config.ts";
import type { CpuCalibration } from "../schema/index.ts";

/**
 * Lighthouse's simulated throttling multiplies the CPU work it observed on this machine by
 * `cpuSlowdownMultiplier`. The work observed grows as the machine is slower or busier, and the
 * run's `benchmarkIndex` (measured in the same page just before the navigation) falls by the
 * same factor; dividing the index by the emulated device's keeps the product, the simulated
 * device, the same. Lighthouse's default 4x assumes a ~2000 desktop (its slow-host warning fires
 * at 1000, "~2x weaker than our target device"), hence a default target of 500. Pure.
 */
export function calibratedMultiplier(
  benchmarkIndex: number,
  calibration: LighthouseCalibrationConfig,
  configured: number,
): number {
  if (calibration === false || !(benchmarkIndex > 0)) return configured;
  const raw = benchmarkIndex / calibration.targetBenchmarkIndex;
  const clamped = Math.min(calibration.maxMultiplier, Math.max(calibration.minMultiplier, raw));
  // Two decimals: the LHR records the value, and nothing finer is meaningful.
  return Math.round(clamped * 100) / 100;
}

/** One run as the adapter sees it: the LHR's own figures and what the runner sampled. */
export interface CalibratedRun {
  benchmarkIndex: number;
  cpuSlowdownMultiplier: number;
  foreignCores?: number | undefined;
}

/** The record's calibration block for one page's runs. Pure. */
export function calibrationRecord(
  runs: readonly CalibratedRun[],
  calibration: LighthouseCalibrationConfig | undefined,
): CpuCalibration {
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    method: calibration ? "benchmark-index" : "fixed",
    ...(calibration
      ? {
          targetBenchmarkIndex: calibration.targetBenchmarkIndex,
          minMultiplier: calibration.minMultiplier,
          maxMultiplier: calibration.maxMultiplier,
        }
      : {}),
    runs: runs.map((r) => ({
      benchmarkIndex: round(r.benchmarkIndex),
      cpuSlowdownMultiplier: r.cpuSlowdownMultiplier,
      ...(r.foreignCores === undefined ? {} : { foreignCores: round(r.foreignCores) }),
    })),
  };
}
