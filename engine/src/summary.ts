import { createHash } from "node:crypto";
import hdr from "hdr-histogram-js";
import type { MetricDef, Registry, Sink } from "./metrics.ts";
import type { GroupNode } from "./state.ts";
import { aggregate, type Threshold } from "./thresholds.ts";

export const DEFAULT_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)"];

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

interface SummaryMetric {
  type: MetricDef["type"];
  contains: "default" | "time" | "data";
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** The object `handleSummary(data)` receives (k6 summarizeMetricsToObject). */
export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  setup_data?: unknown;
}

interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: { name: string; path: string; id: string; passes: number; fails: number }[];
}

function groupOf(node: GroupNode): SummaryGroup {
  return {
    name: node.name,
    path: node.path,
    id: md5(node.path),
    groups: [...node.groups.values()].map(groupOf),
    checks: [...node.checks.values()].map((c) => ({ ...c, id: md5(c.path) })),
  };
}

function valuesOf(
  def: MetricDef,
  sink: Sink,
  trendStats: string[],
  seconds: number,
): Record<string, number> {
  switch (def.type) {
    case "counter":
      return { count: sink.sum, rate: seconds > 0 ? sink.sum / seconds : 0 };
    case "gauge":
      return {
        value: sink.count ? sink.last : 0,
        min: sink.count ? sink.min : 0,
        max: sink.count ? sink.max : 0,
      };
    case "rate":
      return {
        rate: sink.count ? sink.nonZero / sink.count : 0,
        passes: sink.nonZero,
        fails: sink.count - sink.nonZero,
      };
    case "trend":
      return Object.fromEntries(
        trendStats.map((stat) => [stat, aggregate(sink, stat, seconds) ?? 0]),
      );
  }
}

/** Builds the handleSummary data; threshold outcomes come from the final evaluation. */
export function buildSummaryData(input: {
  registry: Registry;
  rootGroup: GroupNode;
  thresholds: Threshold[];
  failed: Set<Threshold>;
  trendStats: string[];
  durationMs: number;
  setupData: unknown;
  noColor: boolean;
}): SummaryData {
  const seconds = input.durationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  const withThresholds = new Set(input.thresholds.map((t) => t.metric));
  for (const def of input.registry.metrics.values()) {
    const contains = def.isTime ? "time" : def.name.startsWith("data_") ? "data" : "default";
    const entries: [string, Sink][] = [
      [def.name, def.sink],
      ...def.subMetrics.map((sub): [string, Sink] => [sub.key, sub.sink]),
    ];
    for (const [key, sink] of entries) {
      // k6 lists metrics that saw samples, plus any metric a threshold names.
      if (!def.touched && !withThresholds.has(key)) continue;
      if (key !== def.name && sink.count === 0 && !withThresholds.has(key)) continue;
      const metric: SummaryMetric = {
        type: def.type,
        contains,
        values: valuesOf(def, sink, input.trendStats, seconds),
      };
      const own = input.thresholds.filter((t) => t.metric === key);
      if (own.length > 0)
        metric.thresholds = Object.fromEntries(
          own.map((t) => [t.source, { ok: !input.failed.has(t) }]),
        );
      metrics[key] = metric;
    }
  }
  return {
    root_group: groupOf(input.rootGroup),
    options: { summaryTrendStats: input.trendStats, summaryTimeUnit: "", noColor: input.noColor },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: input.durationMs,
    },
    metrics,
    ...(input.setupData === undefined ? {} : { setup_data: input.setupData }),
  };
}

/** `--summary-export` (k6's legacy shape): values flattened, thresholds as `true` = FAILED. */
export function toLegacyExport(data: SummaryData): Record<string, unknown> {
  const legacyGroup = (group: SummaryGroup): Record<string, unknown> => ({
    name: group.name,
    path: group.path,
    id: group.id,
    groups: Object.fromEntries(group.groups.map((g) => [g.name, legacyGroup(g)])),
    checks: Object.fromEntries(group.checks.map((c) => [c.name, c])),
  });
  const metrics: Record<string, unknown> = {};
  for (const [key, metric] of Object.entries(data.metrics)) {
    const values: Record<string, unknown> = { ...metric.values };
    if (metric.type === "rate") {
      values.value = values.rate;
      delete values.rate;
    }
    if (metric.thresholds) {
      values.thresholds = Object.fromEntries(
        Object.entries(metric.thresholds).map(([expr, t]) => [expr, !t.ok]),
      );
    }
    metrics[key] = values;
  }
  return { root_group: legacyGroup(data.root_group), metrics };
}

/** Encoded histograms of every trend (sub-)metric for `--hdr-out`, values ×1000. */
export function encodeHistograms(registry: Registry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of registry.metrics.values()) {
    if (def.type !== "trend" || !def.touched) continue;
    for (const [key, sink] of [
      [def.name, def.sink] as const,
      ...def.subMetrics.map((s) => [s.key, s.sink] as const),
    ]) {
      if (sink.histogram && sink.count > 0)
        out[key] = hdr.encodeIntoCompressedBase64(sink.histogram);
    }
  }
  return out;
}

function formatTime(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1) return `${(ms * 1000).toFixed(2)}µs`;
  if (ms < 1000) return `${ms.toFixed(2)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** The end-of-test text summary, in k6's layout. */
export function renderTextSummary(data: SummaryData, engineLine: string): string {
  const lines: string[] = [];
  const checks = data.root_group.checks;
  for (const check of checks) {
    lines.push(`     ${check.fails === 0 ? "✓" : "✗"} ${check.name}`);
  }
  if (checks.length > 0) lines.push("");
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(30, ...names.map((n) => n.length + 2));
  for (const name of names) {
    const metric = data.metrics[name] as SummaryMetric;
    const failed = metric.thresholds && Object.values(metric.thresholds).some((t) => !t.ok);
    const mark = metric.thresholds ? (failed ? "✗" : "✓") : " ";
    const v = metric.values;
    let text: string;
    if (metric.type === "trend") {
      text = Object.entries(v)
        .map(
          ([stat, value]) =>
            `${stat}=${metric.contains === "time" && stat !== "count" ? formatTime(value) : Number(value.toFixed(2))}`,
        )
        .join(" ");
    } else if (metric.type === "rate") {
      text = `${((v.rate ?? 0) * 100).toFixed(2)}% ✓ ${v.passes} ✗ ${v.fails}`;
    } else if (metric.type === "counter") {
      text = `${v.count} ${(v.rate ?? 0).toFixed(2)}/s`;
    } else {
      text = `${v.value} min=${v.min} max=${v.max}`;
    }
    lines.push(`   ${mark} ${`${name}`.padEnd(width, ".")}: ${text}`);
  }
  lines.push("", `     ${engineLine}`, "");
  return lines.join("\n");
}
