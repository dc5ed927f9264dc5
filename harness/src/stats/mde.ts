/**
 * Minimal detectable change (MDE) of a two-sided test at a given noise, and its inverse, the
 * number of blocks needed to resolve a change. Normal approximation, two sides of n each.
 *
 * Units: the result is in the unit of `noiseSd`. Callers pass the noise of the log of the
 * metric (log-ratio noise), so the MDE is a change in log units, which for small values is the
 * relative change (0.03 ≈ 3%; exactly exp(mde) − 1).
 */
import { normalQuantile } from "./normal.ts";

export interface PowerOptions {
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Probability of detecting a true change of the stated size; default 0.8. */
  power?: number;
}

function criticalSum(alpha: number, power: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  return normalQuantile(1 - alpha / 2) + normalQuantile(power);
}

/**
 * (z₁₋α/₂ + z_power) · noiseSd · √(2/n): the smallest true change a two-sided test at `alpha`
 * detects with probability `power`, comparing two independent sides of `n` values each whose
 * per-value standard deviation is `noiseSd`.
 *
 * @throws RangeError for negative noise, n < 1, or alpha/power outside (0, 1).
 */
export function minimalDetectableChange(
  options: { noiseSd: number; n: number } & PowerOptions,
): number {
  const { noiseSd, n, alpha = 0.05, power = 0.8 } = options;
  if (!(noiseSd >= 0)) throw new RangeError(`noiseSd must be ≥ 0, got ${noiseSd}`);
  if (!(n >= 1)) throw new RangeError(`n must be ≥ 1, got ${n}`);
  return criticalSum(alpha, power) * noiseSd * Math.sqrt(2 / n);
}

/**
 * Smallest n per side for which {@link minimalDetectableChange} is ≤ `change`:
 * ⌈2 · ((z₁₋α/₂ + z_power) · noiseSd / change)²⌉, at least 1.
 *
 * @throws RangeError for negative noise, a change ≤ 0, or alpha/power outside (0, 1).
 */
export function blocksNeeded(options: { noiseSd: number; change: number } & PowerOptions): number {
  const { noiseSd, change, alpha = 0.05, power = 0.8 } = options;
  if (!(noiseSd >= 0)) throw new RangeError(`noiseSd must be ≥ 0, got ${noiseSd}`);
  if (!(change > 0)) throw new RangeError(`change must be > 0, got ${change}`);
  const n = 2 * ((criticalSum(alpha, power) * noiseSd) / change) ** 2;
  // Rounding noise must not push an exact integer up by one (n = 8.000000000000002 -> 8).
  return Math.max(1, Math.ceil(n - 1e-9));
}
