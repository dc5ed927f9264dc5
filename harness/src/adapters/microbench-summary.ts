import type { Summary } from "../schema/index.ts";

/** Linear-interpolated quantile of ascending-sorted values (type 7, as numpy and R default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample coefficient of variation (sd / mean); 0 for fewer than two values. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  return m === 0 ? 0 : Math.sqrt(variance) / Math.abs(m);
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
  const mid = quantileSorted(sorted, 0.5);
  return {
    n: sorted.length,
    min: significant(sorted[0] as number),
    median: significant(mid),
    p90: significant(quantileSorted(sorted, 0.9)),
    p95: significant(quantileSorted(sorted, 0.95)),
    p99: significant(quantileSorted(sorted, 0.99)),
    max: significant(sorted[sorted.length - 1] as number),
    mad: significant(median(sorted.map((v) => Math.abs(v - mid)))),
    mean: significant(mean(sorted)),
  };
}
