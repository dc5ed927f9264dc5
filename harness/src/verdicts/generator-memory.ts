import type { Suite, Verdict } from "../schema/index.ts";

/**
 * The load generator's own memory must stay flat over a soak: `generator_rss_growth` (median RSS
 * of the last 30 s against 30–60 s) at most `maxGrowthPct`. A generator that grows distorts the
 * run it measures (GC pauses land in the latencies) and eventually dies mid-soak. Skipped when
 * the run was too short to measure growth.
 */
export function judgeGeneratorMemory(suite: Suite, maxGrowthPct: number): Verdict {
  const metric = suite.metrics.find((m) => m.id === "generator_rss_growth");
  const base = {
    suite: suite.id,
    metric: "generator_rss_growth",
    source: "memory",
    level: "error",
    rule: `generator RSS growth <= ${maxGrowthPct}%`,
  } as const;
  if (metric?.value === undefined) {
    return {
      ...base,
      status: "skip",
      message:
        "generator memory not measured (the load ran under 90 s, or its process was not watched)",
    };
  }
  const growth = metric.value;
  const span = `${metric.tags?.baseline_mb} MB at ${metric.tags?.from} -> ${metric.tags?.end_mb} MB in the ${metric.tags?.to}`;
  return {
    ...base,
    status: growth <= maxGrowthPct ? "pass" : "fail",
    actual: growth,
    message:
      growth <= maxGrowthPct
        ? `generator memory flat: ${growth}% RSS growth (${span})`
        : `generator memory grew ${growth}% over the run (${span}), above ${maxGrowthPct}%`,
    evidence: { growthPct: growth, maxGrowthPct },
  };
}
