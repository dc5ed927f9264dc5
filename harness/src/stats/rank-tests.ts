/**
 * Distribution-free two-sided tests: Mann–Whitney U for two independent samples and a paired
 * sign-flip permutation test for per-block differences. Pure: Monte Carlo draws come from
 * `seededRandom(seed)`.
 */
import { seededRandom } from "./change-points.ts";
import { normalCdf } from "./normal.ts";

export interface MannWhitneyResult {
  /** U of head: pairs with head > base, ties counting ½. 0 … n·m; n·m/2 means no shift. */
  u: number;
  /** Normal-approximation z (tie and continuity corrected); positive when head is larger. */
  z: number;
  /** Two-sided p-value; exact when {@link MannWhitneyResult.exact}. */
  pValue: number;
  /** True when the p-value comes from the exact null distribution of U. */
  exact: boolean;
}

/** Largest sample size per side for which the exact distribution of U is enumerated. */
const EXACT_MANN_WHITNEY = 10;

/** Midranks (1-based) of `values`, plus Σ(t³ − t) over groups of t tied values. */
function midranks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end] as number] === values[order[start] as number])
      end += 1;
    const t = end - start;
    tieTerm += t ** 3 - t;
    for (let k = start; k < end; k += 1) ranks[order[k] as number] = (start + end + 1) / 2;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Number of ways each U = 0 … m·n arises among the C(m+n, n) equally likely rank sets. */
function exactUCounts(m: number, n: number): number[] {
  const total = m + n;
  const maxSum = (n * (2 * total - n + 1)) / 2;
  // ways[k][s]: subsets of size k of the ranks seen so far with rank sum s.
  const ways = Array.from({ length: n + 1 }, () => new Array<number>(maxSum + 1).fill(0));
  (ways[0] as number[])[0] = 1;
  for (let rank = 1; rank <= total; rank += 1) {
    for (let k = Math.min(rank, n); k >= 1; k -= 1) {
      const row = ways[k] as number[];
      const previous = ways[k - 1] as number[];
      for (let s = maxSum; s >= rank; s -= 1)
        row[s] = (row[s] as number) + (previous[s - rank] as number);
    }
  }
  const offset = (n * (n + 1)) / 2;
  return (ways[n] as number[]).slice(offset, offset + m * n + 1);
}

/**
 * Two-sided Mann–Whitney U (Wilcoxon rank-sum) test of base vs head. The p-value is exact when
 * both samples have at most 10 values and no ties; otherwise the normal approximation with tie
 * and continuity corrections (as R's `wilcox.test(correct = TRUE)`).
 *
 * @throws RangeError when a sample is empty or holds a non-finite value.
 */
export function mannWhitney(base: readonly number[], head: readonly number[]): MannWhitneyResult {
  const m = base.length;
  const n = head.length;
  if (m === 0 || n === 0) throw new RangeError("Mann-Whitney needs a non-empty base and head");
  const all = [...base, ...head];
  if (!all.every(Number.isFinite)) throw new RangeError("Mann-Whitney: a value is not finite");
  const { ranks, tieTerm } = midranks(all);
  const headRankSum = ranks.slice(m).reduce((sum, r) => sum + r, 0);
  const u = headRankSum - (n * (n + 1)) / 2;
  const total = m + n;
  const centered = u - (m * n) / 2;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  const z = variance > 0 ? (centered - Math.sign(centered) * 0.5) / Math.sqrt(variance) : 0;
  if (m <= EXACT_MANN_WHITNEY && n <= EXACT_MANN_WHITNEY && tieTerm === 0) {
    const counts = exactUCounts(m, n);
    const arrangements = counts.reduce((sum, c) => sum + c, 0);
    let below = 0;
    let above = 0;
    counts.forEach((count, value) => {
      if (value <= u) below += count;
      if (value >= u) above += count;
    });
    return { u, z, pValue: Math.min(1, (2 * Math.min(below, above)) / arrangements), exact: true };
  }
  const pValue = variance > 0 ? Math.min(1, 2 * normalCdf(-Math.abs(z))) : 1;
  return { u, z, pValue, exact: false };
}

export interface SignFlipOptions {
  /** Monte Carlo sign patterns when n > 16; default 9999. */
  iterations?: number;
  seed: number;
}

/** Largest n for which all 2ⁿ sign patterns are enumerated. */
const EXACT_SIGN_FLIP = 16;

/**
 * Two-sided paired permutation test of "the differences are symmetric around 0" on their mean:
 * under the null each difference is equally likely positive or negative. p is the share of sign
 * patterns whose |sum| is at least the observed |sum|. Exact over all 2ⁿ patterns when n ≤ 16
 * (so the smallest p is 2/2ⁿ: 5 blocks cannot go below 0.0625); else Monte Carlo with the
 * (count + 1)/(iterations + 1) correction, which never reports p = 0.
 *
 * @throws RangeError with no differences, a non-finite one, or bad iterations.
 */
export function signFlipTest(
  differences: readonly number[],
  options: SignFlipOptions,
): { pValue: number; exact: boolean } {
  const n = differences.length;
  if (n === 0) throw new RangeError("sign-flip test needs at least one difference");
  if (!differences.every(Number.isFinite))
    throw new RangeError("sign-flip test: a difference is not finite");
  const { iterations = 9999, seed } = options;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError(`sign-flip iterations must be a positive integer, got ${iterations}`);
  const observed = Math.abs(differences.reduce((sum, d) => sum + d, 0));
  // Patterns equal to the observed one in exact arithmetic must count despite rounding.
  const bar = observed - 1e-12 * differences.reduce((sum, d) => sum + Math.abs(d), 0);
  let atLeast = 0;
  if (n <= EXACT_SIGN_FLIP) {
    const patterns = 2 ** n;
    for (let mask = 0; mask < patterns; mask += 1) {
      let sum = 0;
      for (let i = 0; i < n; i += 1)
        sum += mask & (1 << i) ? -(differences[i] as number) : (differences[i] as number);
      if (Math.abs(sum) >= bar) atLeast += 1;
    }
    return { pValue: atLeast / patterns, exact: true };
  }
  const random = seededRandom(seed);
  for (let r = 0; r < iterations; r += 1) {
    let sum = 0;
    for (const d of differences) sum += random() < 0.5 ? -d : d;
    if (Math.abs(sum) >= bar) atLeast += 1;
  }
  return { pValue: (atLeast + 1) / (iterations + 1), exact: false };
}
