import type { BlockSample, MetricDecision, Verdict } from "../schema/index.ts";
import { instabilityReason } from "../verdicts/deterministic.ts";
import { type Calibration, type GatesConfig, policyFor } from "../verdicts/gates.ts";
import { decideRegressions, type MetricComparisonInput } from "../verdicts/regression.ts";

/** Pair the two sides of every block per metric; a block missing one side is left out. Pure. */
export function toComparisonInputs(samples: readonly BlockSample[]): MetricComparisonInput[] {
  const byMetric = new Map<
    string,
    { input: MetricComparisonInput; blocks: Map<number, { base?: number[]; head?: number[] }> }
  >();
  for (const s of samples) {
    const key = `${s.suiteId}/${s.metricId}`;
    let entry = byMetric.get(key);
    if (!entry) {
      entry = {
        input: {
          suiteId: s.suiteId,
          metricId: s.metricId,
          unit: s.unit,
          direction: s.direction,
          blocks: [],
        },
        blocks: new Map(),
      };
      byMetric.set(key, entry);
    }
    const block = entry.blocks.get(s.block) ?? {};
    block[s.side] = [...(block[s.side] ?? []), ...s.values];
    entry.blocks.set(s.block, block);
  }
  const inputs: MetricComparisonInput[] = [];
  for (const { input, blocks } of byMetric.values()) {
    for (const [, block] of [...blocks].sort(([a], [b]) => a - b)) {
      if (block.base && block.head) input.blocks.push({ base: block.base, head: block.head });
    }
    if (input.blocks.length > 0) inputs.push(input);
  }
  return inputs;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Decisions for every metric, with the gate policy from config and calibration. Pure. */
export function decideComparison(
  inputs: readonly MetricComparisonInput[],
  config: GatesConfig,
  calibration: Calibration,
  options: { seed: number; today: string },
): MetricDecision[] {
  const policies = new Map(
    inputs.map((input) => {
      const policy = policyFor(config, calibration, input);
      // A counted metric whose blocks disagree measures something non-deterministic: report only.
      const unstable = policy.gate ? instabilityReason(input) : undefined;
      return [input, unstable ? { ...policy, gate: false, reason: unstable } : policy];
    }),
  );
  const verdicts = decideRegressions(
    [...inputs],
    (input) => policies.get(input) as ReturnType<typeof policyFor>,
    options,
  );
  return verdicts.map((v, i) => {
    const input = inputs[i] as MetricComparisonInput;
    const reason = policies.get(input)?.reason;
    return {
      metricId: v.metricId,
      suiteId: v.suiteId,
      unit: v.unit,
      direction: v.direction,
      status: v.status,
      baseMedian: v.baseMedian,
      headMedian: v.headMedian,
      deltaPct: v.deltaPct,
      ciPct: v.ciPct,
      mdePct: finiteOrNull(v.mdePct),
      blocksNeeded: finiteOrNull(v.blocksNeeded),
      pValue: v.pValue,
      adjustedPValue: v.adjustedPValue,
      gated: v.gated,
      ...(v.accepted ? { accepted: v.accepted } : {}),
      ...(reason && !v.gated ? { reason } : {}),
      evidence: v.evidence,
      blocks: input.blocks.length,
    };
  });
}

/** Raw p that makes a first-round change worth confirming (the confirmation decides at Holm α). */
export const SCREEN_P = 0.05;

/**
 * Worth a confirmation round: already regressed, or a gated metric that moved the worse way with
 * raw p ≤ 0.05. The first round screens; only the decision over every block can fail the check.
 */
export function isSuspect(d: MetricDecision): boolean {
  if (!d.gated) return false;
  if (d.status === "regressed") return true;
  const worse = d.direction === "lower" ? d.deltaPct > 0 : d.deltaPct < 0;
  return worse && d.pValue <= SCREEN_P;
}

/** Gated regressions: the metrics that fail the check. */
export function failingMetrics(decisions: readonly MetricDecision[]): string[] {
  return decisions
    .filter((d) => d.status === "regressed" && d.gated)
    .map((d) => `${d.suiteId}/${d.metricId}`);
}

/** The decisions as run-record verdicts (what the GitHub publisher and annotations read). */
export function comparisonVerdicts(decisions: readonly MetricDecision[]): Verdict[] {
  return decisions.map((d) => ({
    suite: d.suiteId,
    metric: d.metricId,
    source: "regression",
    level: d.gated ? "error" : "warn",
    status:
      d.status === "regressed" && d.gated ? "fail" : d.status === "inconclusive" ? "skip" : "pass",
    label: d.status,
    rule: `|Δ| beyond the gate threshold at α (Holm), confirmed`,
    actual: d.deltaPct,
    message: d.evidence,
    evidence: {
      deltaPct: Number(d.deltaPct.toFixed(2)),
      ciLowPct: Number(d.ciPct[0].toFixed(2)),
      ciHighPct: Number(d.ciPct[1].toFixed(2)),
      mdePct: d.mdePct === null ? null : Number(d.mdePct.toFixed(2)),
      adjustedP: Number(d.adjustedPValue.toFixed(4)),
      blocks: d.blocks,
    },
  }));
}
