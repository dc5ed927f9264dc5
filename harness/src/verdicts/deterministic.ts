/**
 * Near-deterministic metrics (instruction counts, estimated cycles under callgrind): the same
 * code counts the same in every process, so base and head of a block differ only by the change.
 * Their per-block ratios should agree to parts per million; when they spread wider, something in
 * the measured region is not deterministic and the metric is reported, never gated. Pure.
 */
import type { MetricComparisonInput } from "./regression.ts";

/** Units of the counting instruments (compare-blocks' instruction samples). */
export const NEAR_DETERMINISTIC_UNITS: ReadonlySet<string> = new Set(["instr", "cycles"]);

/** Largest spread of per-block head/base ratios a counted metric may have: 0.5%. */
export const MAX_RATIO_SPREAD = 0.005;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Why a near-deterministic metric cannot be trusted (its per-block ratios spread more than
 * MAX_RATIO_SPREAD), or undefined when it can, or when it is not such a metric.
 */
export function instabilityReason(input: MetricComparisonInput): string | undefined {
  if (!NEAR_DETERMINISTIC_UNITS.has(input.unit) || input.blocks.length < 2) return undefined;
  const ratios: number[] = [];
  for (const block of input.blocks) {
    const base = median(block.base);
    const head = median(block.head);
    if (base > 0 && head > 0) ratios.push(head / base);
  }
  if (ratios.length < 2) return undefined;
  const spread = (Math.max(...ratios) - Math.min(...ratios)) / median(ratios);
  if (spread <= MAX_RATIO_SPREAD) return undefined;
  return `unstable: head/base differs by ${(spread * 100).toFixed(2)}% between blocks (a counted metric should agree within ${MAX_RATIO_SPREAD * 100}%), not trusted`;
}
