/**
 * Location-shift estimators between a base and a head sample. Pure.
 */
import { median } from "./change-points.ts";

/**
 * Hodges–Lehmann shift: the median of all n·m pairwise differences head_j − base_i. Robust
 * (breakdown ~29%) and, unlike the difference of medians, uses every pair.
 *
 * @throws RangeError when either sample is empty.
 */
export function hodgesLehmannShift(base: readonly number[], head: readonly number[]): number {
  if (base.length === 0 || head.length === 0)
    throw new RangeError("Hodges-Lehmann shift needs a non-empty base and head");
  const differences = new Array<number>(base.length * head.length);
  let k = 0;
  for (const h of head) for (const b of base) differences[k++] = h - b;
  return median(differences);
}

/**
 * median(head) / median(base): the relative change is this minus 1.
 *
 * @throws RangeError when either sample is empty or median(base) is 0.
 */
export function ratioOfMedians(base: readonly number[], head: readonly number[]): number {
  if (base.length === 0 || head.length === 0)
    throw new RangeError("ratio of medians needs a non-empty base and head");
  const denominator = median(base);
  if (denominator === 0) throw new RangeError("ratio of medians: the base median is 0");
  return median(head) / denominator;
}
