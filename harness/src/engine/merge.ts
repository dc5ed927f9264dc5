import hdr from "hdr-histogram-js";

/** One engine instance's outputs: the `--summary-export` object and its `--hdr-out` histograms. */
export interface InstanceSummary {
  summary: { metrics: Record<string, Record<string, unknown>>; root_group?: unknown };
  histograms: Record<string, string>;
}

const TREND_KEYS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"] as const;

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/**
 * Merge the summaries of several engine instances (execution segments) exactly: trends from
 * their added HDR histograms (never averaged percentiles), counters and rates by summing counts.
 * Counter `rate`s add up, since the instances ran over the same wall-clock window.
 */
export function mergeSummaries(instances: readonly InstanceSummary[]): InstanceSummary {
  const metrics: Record<string, Record<string, unknown>> = {};
  const histograms: Record<string, string> = {};
  const names = [...new Set(instances.flatMap((i) => Object.keys(i.summary.metrics)))].sort();
  for (const name of names) {
    const parts = instances
      .map((i) => i.summary.metrics[name])
      .filter((m): m is Record<string, unknown> => m !== undefined);
    const first = parts[0] as Record<string, unknown>;
    const encoded = instances
      .map((i) => i.histograms[name])
      .filter((h): h is string => h !== undefined);
    if ("med" in first && encoded.length === parts.length && encoded.length > 0) {
      const total = hdr.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        autoResize: true,
        numberOfSignificantValueDigits: 3,
      });
      for (const text of encoded) {
        const part = hdr.decodeFromCompressedBase64(text);
        total.add(part);
        part.destroy();
      }
      const counts = parts.map((p) => num(p.count));
      const count = counts.reduce((a, b) => a + b, 0) || total.totalCount;
      const sum = parts.reduce((acc, p) => acc + num(p.avg) * num(p.count), 0);
      const values: Record<string, number> = {
        avg: count > 0 && counts.every((c) => c > 0) ? sum / count : total.mean / 1000,
        min: Math.min(...parts.map((p) => num(p.min))),
        med: total.getValueAtPercentile(50) / 1000,
        max: Math.max(...parts.map((p) => num(p.max))),
        "p(90)": total.getValueAtPercentile(90) / 1000,
        "p(95)": total.getValueAtPercentile(95) / 1000,
        "p(99)": total.getValueAtPercentile(99) / 1000,
        count,
      };
      metrics[name] = Object.fromEntries(
        TREND_KEYS.filter((k) => k in first || k === "p(99)" || k === "count").map((k) => [
          k,
          values[k] as number,
        ]),
      );
      histograms[name] = hdr.encodeIntoCompressedBase64(total);
      total.destroy();
    } else if ("passes" in first) {
      const passes = parts.reduce((a, p) => a + num(p.passes), 0);
      const fails = parts.reduce((a, p) => a + num(p.fails), 0);
      metrics[name] = { passes, fails, value: passes + fails > 0 ? passes / (passes + fails) : 0 };
    } else if ("count" in first) {
      metrics[name] = {
        count: parts.reduce((a, p) => a + num(p.count), 0),
        rate: parts.reduce((a, p) => a + num(p.rate), 0),
      };
    } else {
      metrics[name] = {
        value: parts.reduce((a, p) => a + num(p.value), 0),
        min: Math.min(...parts.map((p) => num(p.min))),
        max: parts.reduce((a, p) => a + num(p.max), 0),
      };
    }
  }
  return { summary: { metrics, root_group: instances[0]?.summary.root_group }, histograms };
}
