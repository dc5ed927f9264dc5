/**
 * Quantiles and robust spread of plain samples. Pure functions; the inputs are never mutated.
 */
import { median } from "./change-points.ts";

/** Scale that turns a raw MAD into a consistent estimate of the normal standard deviation. */
export const MAD_TO_SD = 1.4826;

/**
 * Quantile `p` of an ascending-sorted sample by linear interpolation between order statistics:
 * Hyndman–Fan type 7, the default of numpy (`np.quantile`) and R (`quantile`).
 *
 * @param sorted - ascending sample; it is not re-sorted (a descending pair throws).
 * @param p - probability in [0, 1].
 * @throws RangeError on an empty sample, an unsorted or non-finite sample, or p outside [0, 1].
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty sample");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  for (let i = 0; i < sorted.length; i += 1) {
    const value = sorted[i] as number;
    if (!Number.isFinite(value)) throw new RangeError(`quantile: value ${i} is not finite`);
    if (i > 0 && value < (sorted[i - 1] as number))
      throw new RangeError("quantile: the sample must be sorted ascending");
  }
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const low = sorted[lo] as number;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return low + (h - lo) * (high - low);
}

/**
 * Raw median absolute deviation from the median (unscaled; multiply by {@link MAD_TO_SD} for a
 * normal-consistent spread, see {@link robustSd}).
 *
 * @throws RangeError on an empty sample.
 */
export function mad(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((v) => Math.abs(v - center)));
}

/** Robust standard deviation: 1.4826 × MAD, equal to σ for normal data and blind to outliers. */
export function robustSd(values: readonly number[]): number {
  return MAD_TO_SD * mad(values);
}

/**
 * Sample standard deviation (n − 1 denominator). The fallback spread when the MAD is 0 because
 * more than half of the values coincide.
 *
 * @throws RangeError with fewer than two values.
 */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError("standard deviation needs at least two values");
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Arithmetic mean; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample coefficient of variation (sd / |mean|); 0 for fewer than two values or a zero mean. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return m === 0 ? 0 : standardDeviation(values) / Math.abs(m);
}

/** Smallest, median and largest of a sample: how a noisy metric is shown instead of gated. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] as number, median: median(sorted), max: sorted.at(-1) as number };
}
