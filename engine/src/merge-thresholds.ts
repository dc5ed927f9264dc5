import hdr from "hdr-histogram-js";
import type { InstanceSummary } from "./merge.ts";
import { parseExpression } from "./thresholds.ts";

type Values = Record<string, unknown>;

const COMPARE = {
  "<=": (a: number, b: number) => a <= b,
  "<": (a: number, b: number) => a < b,
  ">=": (a: number, b: number) => a >= b,
  ">": (a: number, b: number) => a > b,
  "==": (a: number, b: number) => a === b,
  "!=": (a: number, b: number) => a !== b,
} as const;

/** The merged value a rule's aggregation names; a trend percentile not exported comes from the histogram. */
function valueFor(aggregation: string, values: Values, histogram: string | undefined) {
  const read = (key: string) =>
    typeof values[key] === "number" ? (values[key] as number) : undefined;
  // A rate metric's `rate` is `value` in the summary export.
  if (aggregation === "rate" && "passes" in values) return read("value");
  const direct = read(aggregation);
  if (direct !== undefined) return direct;
  const p = aggregation.match(/^p\((\d+(?:\.\d+)?)\)$/);
  if (!p || !histogram) return undefined;
  const decoded = hdr.decodeFromCompressedBase64(histogram);
  const value = decoded.getValueAtPercentile(Number(p[1])) / 1000;
  decoded.destroy();
  return value;
}

/** One threshold rule as judged on the merged data. */
export interface MergedThreshold {
  metric: string;
  rule: string;
  failed: boolean;
  actual: number | undefined;
}

/**
 * Judges every threshold the runners carried (their summary exports list each rule under its
 * metric) again on the merged summary: a rule on `p(95)` must hold for all samples together,
 * which no single runner, nor the k6-operator, can know. Returns the merged summary with
 * k6's `thresholds` entries (`true` = failed) put back, and the rules with their actual values.
 */
export function judgeMergedThresholds(
  instances: readonly InstanceSummary[],
  merged: InstanceSummary,
): { summary: InstanceSummary; thresholds: MergedThreshold[] } {
  const metrics: Record<string, Values> = {};
  const thresholds: MergedThreshold[] = [];
  for (const [key, values] of Object.entries(merged.summary.metrics)) {
    const rules = new Set<string>();
    for (const instance of instances) {
      const carried = instance.summary.metrics[key]?.thresholds;
      if (carried && typeof carried === "object")
        for (const rule of Object.keys(carried)) rules.add(rule);
    }
    if (rules.size === 0) {
      metrics[key] = values;
      continue;
    }
    const judged: Record<string, boolean> = {};
    for (const rule of [...rules].sort()) {
      const parsed = parseExpression(rule);
      // Rules were parsed by each runner already; one that no longer parses cannot pass.
      const actual =
        typeof parsed === "string"
          ? undefined
          : valueFor(parsed.aggregation, values, merged.histograms[key]);
      const failed =
        typeof parsed === "string"
          ? true
          : actual === undefined
            ? false
            : !COMPARE[parsed.operator](actual, parsed.value);
      judged[rule] = failed;
      thresholds.push({ metric: key, rule, failed, actual });
    }
    metrics[key] = { ...values, thresholds: judged };
  }
  return {
    summary: { summary: { ...merged.summary, metrics }, histograms: merged.histograms },
    thresholds,
  };
}
