import hdr from "hdr-histogram-js";
import type { MetricType, Registry, Sink } from "./metrics.ts";
import { type CheckCount, type GroupNode, newGroup } from "./state.ts";

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

/** A sink's state, sent between threads (structured clone keeps ±Infinity). */
export interface SinkSnapshot {
  count: number;
  sum: number;
  min: number;
  max: number;
  nonZero: number;
  last: number;
  histogram?: string | undefined;
}

/** One metric with its sub-metrics, as a worker thread hands it to the main thread. */
export interface MetricSnapshot {
  name: string;
  type: MetricType;
  isTime: boolean;
  touched: boolean;
  sink: SinkSnapshot;
  subMetrics: { key: string; sink: SinkSnapshot }[];
}

/** A worker thread's metrics and check/group tree. */
export interface RegistrySnapshot {
  metrics: MetricSnapshot[];
  groups: GroupSnapshot;
}

export interface GroupSnapshot {
  name: string;
  path: string;
  groups: GroupSnapshot[];
  checks: CheckCount[];
}

function sinkSnapshot(sink: Sink): SinkSnapshot {
  const { count, sum, min, max, nonZero, last } = sink;
  const histogram =
    sink.histogram && count > 0 ? hdr.encodeIntoCompressedBase64(sink.histogram) : undefined;
  return { count, sum, min, max, nonZero, last, histogram };
}

function groupSnapshot(node: GroupNode): GroupSnapshot {
  return {
    name: node.name,
    path: node.path,
    groups: [...node.groups.values()].map(groupSnapshot),
    checks: [...node.checks.values()].map((c) => ({ ...c })),
  };
}

/** Everything a registry and group tree hold, in a form that crosses threads. */
export function snapshotRegistry(registry: Registry, root: GroupNode): RegistrySnapshot {
  return {
    metrics: [...registry.metrics.values()].map((def) => ({
      name: def.name,
      type: def.type,
      isTime: def.isTime,
      touched: def.touched,
      sink: sinkSnapshot(def.sink),
      subMetrics: def.subMetrics.map((s) => ({ key: s.key, sink: sinkSnapshot(s.sink) })),
    })),
    groups: groupSnapshot(root),
  };
}

/** Gauges whose parts add up across threads (each thread counts its own VUs). */
const ADDITIVE_GAUGES = new Set(["vus", "vus_max"]);

function mergeSink(target: Sink, part: SinkSnapshot, additiveGauge: boolean): void {
  if (part.count === 0) return;
  const empty = target.count === 0;
  target.count += part.count;
  target.sum += part.sum;
  target.nonZero += part.nonZero;
  if (additiveGauge) {
    target.last = empty ? part.last : target.last + part.last;
    target.min = empty ? part.min : target.min + part.min;
    target.max = empty ? part.max : target.max + part.max;
  } else {
    // Without timestamps, the larger of the threads' last values stands for "the last value".
    target.last = empty ? part.last : Math.max(target.last, part.last);
    target.min = Math.min(target.min, part.min);
    target.max = Math.max(target.max, part.max);
  }
  if (target.histogram && part.histogram) {
    const decoded = hdr.decodeFromCompressedBase64(part.histogram);
    target.histogram.add(decoded);
    decoded.destroy();
  }
}

function mergeGroup(target: GroupNode, part: GroupSnapshot): void {
  for (const check of part.checks) {
    const existing = target.checks.get(check.name);
    if (existing) {
      existing.passes += check.passes;
      existing.fails += check.fails;
    } else target.checks.set(check.name, { ...check });
  }
  for (const child of part.groups) {
    let node = target.groups.get(child.name);
    if (!node) {
      node = newGroup(child.name, child.path);
      target.groups.set(child.name, node);
    }
    mergeGroup(node, child);
  }
}

/**
 * Adds a thread's snapshot into `registry` and `root` exactly: counts and sums add, trends add
 * their HDR histograms (percentiles are never averaged), checks add per group.
 */
export function mergeIntoRegistry(
  registry: Registry,
  root: GroupNode,
  snapshot: RegistrySnapshot,
): void {
  for (const metric of snapshot.metrics) {
    const def = registry.define(metric.name, metric.type, metric.isTime);
    if (metric.touched) def.touched = true;
    const additive = metric.type === "gauge" && ADDITIVE_GAUGES.has(metric.name);
    mergeSink(def.sink, metric.sink, additive);
    for (const sub of metric.subMetrics) {
      const target = registry.subMetric(sub.key);
      if (target) mergeSink(target.sink, sub.sink, additive);
    }
  }
  mergeGroup(root, snapshot.groups);
}
