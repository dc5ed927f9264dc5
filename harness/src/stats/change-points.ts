/**
 * Change-point detection for a main-branch series: binary segmentation on the median shift,
 * each split confirmed by a seeded permutation test, with a minimum segment length and spike
 * rejection (a lone outlier is not a level shift). Pure: the seed is a parameter.
 */
import { createRandom } from "../workloads/random.ts";

export interface ChangePoint {
  /** Index of the first point of the new level. */
  index: number;
  /** Median after / median before - 1. */
  relativeShift: number;
  /** Permutation p-value of the split. */
  pValue: number;
}

export interface ChangePointOptions {
  minSegment?: number;
  /** Significance of each split, after a Bonferroni-style split budget. */
  alpha?: number;
  permutations?: number;
  /** Smallest relative shift worth reporting (0.02 = 2%). */
  minShift?: number;
  seed?: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty series");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * mulberry32, the same generator the workloads draw their inputs from: small, fast, seedable,
 * enough for permutation tests and bootstrap resampling.
 */
export const seededRandom = createRandom;

/**
 * Clip points beyond 5 robust standard deviations (1.4826 x MAD) of the series median, so a lone
 * spike cannot make a split. Clipping keeps points independent, which the permutation test needs
 * (a running-median filter would not).
 */
function despike(values: readonly number[]): number[] {
  const center = median(values);
  const spread = 1.4826 * median(values.map((v) => Math.abs(v - center)));
  if (spread === 0) return [...values];
  const low = center - 5 * spread;
  const high = center + 5 * spread;
  return values.map((v) => Math.min(high, Math.max(low, v)));
}

/** Best split of `values` by the mean-difference energy (e-divisive means with α = 1 on 1-D data). */
function bestSplit(
  values: readonly number[],
  minSegment: number,
): { index: number; score: number } | undefined {
  const n = values.length;
  if (n < 2 * minSegment) return undefined;
  const prefix = [0];
  for (const v of values) prefix.push((prefix.at(-1) as number) + v);
  let best: { index: number; score: number } | undefined;
  for (let k = minSegment; k <= n - minSegment; k += 1) {
    const left = (prefix[k] as number) / k;
    const right = ((prefix[n] as number) - (prefix[k] as number)) / (n - k);
    const score = ((k * (n - k)) / n) * (left - right) ** 2;
    if (!best || score > best.score) best = { index: k, score };
  }
  return best;
}

function permutationP(
  values: readonly number[],
  observed: number,
  minSegment: number,
  permutations: number,
  random: () => number,
): number {
  const shuffled = [...values];
  let atLeast = 0;
  for (let p = 0; p < permutations; p += 1) {
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
    }
    if ((bestSplit(shuffled, minSegment)?.score ?? 0) >= observed) atLeast += 1;
  }
  return (atLeast + 1) / (permutations + 1);
}

export function detectChangePoints(
  series: readonly number[],
  options: ChangePointOptions = {},
): ChangePoint[] {
  const { minSegment = 5, alpha = 0.01, permutations = 199, minShift = 0.02, seed = 1 } = options;
  if (series.some((v) => !Number.isFinite(v)))
    throw new RangeError("change points: the series holds a non-finite value");
  const random = seededRandom(seed);
  const clean = despike(series);
  const found: ChangePoint[] = [];
  const segments: [number, number][] = [[0, clean.length]];
  while (segments.length > 0) {
    const [start, end] = segments.pop() as [number, number];
    const slice = clean.slice(start, end);
    const split = bestSplit(slice, minSegment);
    if (!split) continue;
    const pValue = permutationP(slice, split.score, minSegment, permutations, random);
    const before = median(series.slice(start, start + split.index));
    const after = median(series.slice(start + split.index, end));
    const relativeShift = before === 0 ? 0 : after / before - 1;
    if (pValue > alpha || Math.abs(relativeShift) < minShift) continue;
    found.push({ index: start + split.index, relativeShift, pValue });
    segments.push([start, start + split.index], [start + split.index, end]);
  }
  return found.sort((a, b) => a.index - b.index);
}
