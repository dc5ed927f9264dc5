/**
 * Robust trend line: Theil–Sen slope with Sen's (1968) distribution-free confidence interval.
 * Pure. Used by the memory stage, where GC pauses and cache fills throw single samples off a
 * line that least squares would chase.
 */
import { median } from "./change-points.ts";
import { normalQuantile } from "./normal.ts";

export interface TheilSenOptions {
  /** Two-sided confidence of the slope's interval, default 0.95. */
  confidence?: number;
}

export interface TheilSen {
  /** Median of the pairwise slopes (y units per x unit). */
  slope: number;
  /** median(y) − slope · median(x) (Conover's intercept, as scipy's theilslopes). */
  intercept: number;
  /** Sen's interval for the slope: ranks from the variance of Kendall's S. */
  low: number;
  high: number;
  /** Points used. */
  n: number;
}

/**
 * Theil–Sen estimator: the median of (y_j − y_i)/(x_j − x_i) over all pairs with x_i ≠ x_j.
 * The interval takes the sorted slopes at ranks (N ∓ z·σ)/2, σ² = n(n−1)(2n+5)/18 the variance
 * of Kendall's S without tie correction (the same ranks as scipy.stats.theilslopes, clamped to
 * the available slopes when n is small).
 *
 * @throws RangeError when the arrays differ in length, have fewer than 2 points, contain a
 *   non-finite value, all x are equal, or the confidence is not in (0, 1).
 */
export function theilSen(
  xs: readonly number[],
  ys: readonly number[],
  options: TheilSenOptions = {},
): TheilSen {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`Theil-Sen: confidence must be in (0, 1), got ${confidence}`);
  if (xs.length !== ys.length)
    throw new RangeError(`Theil-Sen: ${xs.length} x values but ${ys.length} y values`);
  const n = xs.length;
  if (n < 2) throw new RangeError(`Theil-Sen needs at least 2 points, got ${n}`);
  if (![...xs, ...ys].every(Number.isFinite))
    throw new RangeError("Theil-Sen: every x and y must be a finite number");

  const slopes: number[] = [];
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes.push(((ys[j] as number) - (ys[i] as number)) / dx);
    }
  }
  if (slopes.length === 0) throw new RangeError("Theil-Sen: all x values are equal");
  slopes.sort((a, b) => a - b);

  const slope = median(slopes);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const count = slopes.length;
  const lowRank = Math.max(Math.round((count - z * sigma) / 2) - 1, 0);
  const highRank = Math.min(Math.round((count + z * sigma) / 2), count - 1);
  return {
    slope,
    intercept: median(ys) - slope * median(xs),
    low: slopes[lowRank] as number,
    high: slopes[highRank] as number,
    n,
  };
}
