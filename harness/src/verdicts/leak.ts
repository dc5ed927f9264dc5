import type { ConstructorGrowth } from "../adapters/heap-snapshot.ts";
import type { Suite, Verdict } from "../schema/index.ts";

/** Below this steady growth a slope is noise or a cache settling, not a leak worth failing on. */
export const DEFAULT_LEAK_THRESHOLD_MB_PER_MIN = 1;

export interface LeakRule {
  /** Slope (MB/min) the retained memory must exceed, default 1. */
  thresholdMbPerMin?: number;
  /** Top growing constructors between the steady-phase and final heap snapshots, if taken. */
  growth?: readonly ConstructorGrowth[];
  /** How many growing constructors the message and evidence name, default 5. */
  top?: number;
}

const MB = 1024 * 1024;

function bytes(value: number): string {
  if (value >= MB) return `${(value / MB).toFixed(1)} MB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} kB`;
  return `${value} B`;
}

function describeGrowth(entry: ConstructorGrowth): string {
  const sign = entry.deltaCount >= 0 ? "+" : "";
  return `${entry.name} +${bytes(entry.deltaBytes)} (${sign}${entry.deltaCount} objects)`;
}

/**
 * `leak suspected` when the memory suite's `heap_slope` is significant (its interval's lower
 * bound is above 0) and above the threshold; otherwise pass. A suite without a slope (too few
 * samples) gets a `skip`. When it fires, the verdict names the constructors that grew most
 * between the two heap snapshots, so the report says what is piling up, not only that it is.
 */
export function judgeLeak(suite: Suite, rule: LeakRule = {}): Verdict {
  const threshold = rule.thresholdMbPerMin ?? DEFAULT_LEAK_THRESHOLD_MB_PER_MIN;
  const ruleText = `heap_slope > ${threshold} MB/min and its interval above 0`;
  const metric = suite.metrics.find((m) => m.id === "heap_slope");
  const base = {
    suite: suite.id,
    metric: "heap_slope",
    source: "memory",
    level: "error",
    rule: ruleText,
  } as const;
  if (metric?.value === undefined) {
    return {
      ...base,
      status: "skip",
      message: "no heap slope (too few steady-phase memory samples): leak check skipped",
    };
  }
  const slope = metric.value;
  const low = Number(metric.tags?.ci_low);
  const high = Number(metric.tags?.ci_high);
  const confidence = Number(metric.tags?.confidence ?? 0.95);
  const interval = `${(confidence * 100).toFixed(0)}% CI ${low} to ${high}`;
  const evidence: NonNullable<Verdict["evidence"]> = {
    slopeMbPerMin: slope,
    ciLow: Number.isFinite(low) ? low : null,
    ciHigh: Number.isFinite(high) ? high : null,
    thresholdMbPerMin: threshold,
    samples: Number(metric.tags?.n ?? 0),
  };
  const fires = Number.isFinite(low) && low > 0 && slope > threshold;
  if (!fires) {
    const why =
      slope <= threshold
        ? `at most ${threshold} MB/min`
        : "its interval reaches 0 (not significant)";
    return {
      ...base,
      status: "pass",
      actual: slope,
      message: `no leak: retained memory grows ${slope} MB/min (${interval}), ${why}`,
      evidence,
    };
  }
  const growing = (rule.growth ?? []).slice(0, rule.top ?? 5);
  growing.forEach((entry, index) => {
    evidence[`growth${index + 1}`] = describeGrowth(entry);
  });
  const named =
    growing.length > 0
      ? `; growing most between heap snapshots: ${growing.slice(0, 3).map(describeGrowth).join(", ")}`
      : "; no heap snapshot diff available";
  return {
    ...base,
    status: "fail",
    label: "leak-suspected",
    actual: slope,
    message: `leak suspected: retained memory grows ${slope} MB/min (${interval}) over the steady phase, above ${threshold} MB/min${named}`,
    evidence,
  };
}
