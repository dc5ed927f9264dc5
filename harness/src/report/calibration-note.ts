import type { Suite, Unit } from "../schema/index.ts";
import { spread } from "../stats/index.ts";

/** Smallest, median and largest over a suite's runs. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A Lighthouse suite's CPU calibration as the report shows it (numbers; renderers format). */
export interface CalibrationNote {
  method: "benchmark-index" | "fixed";
  runs: number;
  targetBenchmarkIndex?: number | undefined;
  bounds?: [number, number] | undefined;
  benchmarkIndex: Spread;
  multiplier: Spread;
  /** Mean and largest per-run foreign load, in cores; undefined when not sampled. */
  foreignCores?: { mean: number; max: number } | undefined;
  /** Metrics reported with their spread over the runs instead of gating. */
  ungated: { id: string; unit: Unit; spread: Spread }[];
}

/** The note of a suite that records a calibration; undefined otherwise. Pure. */
export function calibrationNote(suite: Suite): CalibrationNote | undefined {
  const c = suite.calibration;
  if (!c) return undefined;
  const foreign = c.runs.flatMap((r) => (r.foreignCores === undefined ? [] : [r.foreignCores]));
  return {
    method: c.method,
    runs: c.runs.length,
    targetBenchmarkIndex: c.targetBenchmarkIndex,
    bounds:
      c.minMultiplier !== undefined && c.maxMultiplier !== undefined
        ? [c.minMultiplier, c.maxMultiplier]
        : undefined,
    benchmarkIndex: spread(c.runs.map((r) => r.benchmarkIndex)),
    multiplier: spread(c.runs.map((r) => r.cpuSlowdownMultiplier)),
    foreignCores:
      foreign.length > 0
        ? { mean: foreign.reduce((a, b) => a + b, 0) / foreign.length, max: Math.max(...foreign) }
        : undefined,
    ungated: (c.ungated ?? []).flatMap((id) => {
      const metric = suite.metrics.find((m) => m.id === id);
      const values = metric?.samples ?? (metric?.value === undefined ? [] : [metric.value]);
      return metric && values.length > 0 ? [{ id, unit: metric.unit, spread: spread(values) }] : [];
    }),
  };
}
