import type { Summary } from "../schema/index.ts";
import { mean, quantile, median as statsMedian } from "../stats/index.ts";

/** Median of a small set of per-process values; NaN when there are none (a case that never ran). */
export function median(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : statsMedian(values);
}

/**
 * Rounds to `digits` significant digits. Process-to-process noise is >= 1%, so five digits keep
 * every meaningful one while a committed run stays small.
 */
export function significant(value: number, digits = 5): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}

/** The schema's summary of a small set of per-process values (rounded, see `significant`). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = quantile(sorted, 0.5);
  return {
    n: sorted.length,
    min: significant(sorted[0] as number),
    median: significant(mid),
    p90: significant(quantile(sorted, 0.9)),
    p95: significant(quantile(sorted, 0.95)),
    p99: significant(quantile(sorted, 0.99)),
    max: significant(sorted[sorted.length - 1] as number),
    mad: significant(median(sorted.map((v) => Math.abs(v - mid)))),
    mean: significant(mean(sorted)),
  };
}
