/**
 * Multiple-testing adjustments of p-values, matching R's `p.adjust` ("holm" and "BH"): adjusted
 * values come back in input order, capped at 1, monotone in the raw p-values.
 */

function checked(pValues: readonly number[]): void {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} must be in [0, 1], got ${p}`);
  });
}

/** Indices of `values` in ascending order of value (stable). */
function ascendingOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
}

/**
 * Holm's step-down adjustment: controls the family-wise error rate (probability of at least one
 * false alarm in the whole report) under any dependence, and is uniformly more powerful than
 * Bonferroni. Adjusted p_(i) = max over j ≤ i of min(1, (m − j + 1) · p_(j)).
 *
 * @throws RangeError when a p-value is outside [0, 1].
 */
export function holm(pValues: readonly number[]): number[] {
  checked(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m);
  let running = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
