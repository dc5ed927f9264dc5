/**
 * Student's t distribution and the one-sample t-test, for paired log ratios. With the handful of
 * blocks a compare can afford, exact permutation tests cannot reach a Holm-adjusted α at all
 * (the smallest two-sided sign-flip p with n blocks is 2/2^n: 12 blocks for α/m = 0.01/13);
 * the t-test can, and the A/A evaluation measures whether its false-alarm rate holds.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531,
    -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (modified Lentz), valid for x < (a+1)/(a+b+2). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided tail probability P(|T| ≥ |t|) of Student's t with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * One-sample two-sided t-test of mean(values) = 0. Fewer than 2 values, or no spread with a
 * zero mean, give p = 1; no spread with a non-zero mean gives p = 0.
 */
export function oneSampleTTest(values: readonly number[]): {
  t: number;
  df: number;
  pValue: number;
} {
  const n = values.length;
  if (n < 2) return { t: 0, df: Math.max(0, n - 1), pValue: 1 };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const df = n - 1;
  // Rounding leaves ~1e-33 of "spread" in identical values; treat that as none.
  if (variance <= (Number.EPSILON * mean) ** 2)
    return {
      t: mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY,
      df,
      pValue: mean === 0 ? 1 : 0,
    };
  const t = mean / Math.sqrt(variance / n);
  return { t, df, pValue: studentTwoSidedP(t, df) };
}

/**
 * Yuen's trimmed-mean t-test of location 0 (one sample): the `trim` share of values is cut from
 * each end for the mean, the variance is winsorized, df = n − 2g − 1. One wild block (a JIT
 * outlier, a burst of foreign load) moves it far less than it moves Student's t; with no value
 * to trim (small n) it is Student's t.
 */
export function trimmedTTest(
  values: readonly number[],
  trim = 0.2,
): { t: number; df: number; pValue: number; trimmed: number } {
  const n = values.length;
  const g = Math.floor(trim * n);
  if (g === 0 || n - 2 * g < 2) return { ...oneSampleTTest(values), trimmed: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const kept = sorted.slice(g, n - g);
  const mean = kept.reduce((sum, v) => sum + v, 0) / kept.length;
  const low = sorted[g] as number;
  const high = sorted[n - g - 1] as number;
  const winsorized = sorted.map((v) => Math.min(high, Math.max(low, v)));
  const wMean = winsorized.reduce((sum, v) => sum + v, 0) / n;
  const wVar = winsorized.reduce((sum, v) => sum + (v - wMean) ** 2, 0) / (n - 1);
  const h = n - 2 * g;
  const df = h - 1;
  if (wVar <= (Number.EPSILON * mean) ** 2) {
    return {
      t: mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY,
      df,
      pValue: mean === 0 ? 1 : 0,
      trimmed: 2 * g,
    };
  }
  const se = Math.sqrt(wVar) / ((h / n) * Math.sqrt(n));
  const t = mean / se;
  return { t, df, pValue: studentTwoSidedP(t, df), trimmed: 2 * g };
}
