import { z } from "zod";
import {
  EXIT,
  formatIssues,
  HarnessError,
  type Metric,
  type QualityWarning,
  type Suite,
} from "../schema/index.ts";
import { summarizeHdr } from "./_hdr.ts";

/** k6's legacy `--summary-export` shape: metrics flattened to their values; `true` = threshold FAILED. */
const SummaryExport = z.object({
  metrics: z.record(
    z.string(),
    z.record(z.string(), z.union([z.number(), z.record(z.string(), z.boolean())])),
  ),
  root_group: z.unknown().optional(),
});
type SummaryExport = z.infer<typeof SummaryExport>;
type ExportedMetric = SummaryExport["metrics"][string];

export interface K6AdapterInput {
  /** Scenario id (the script's base name). */
  scenario: string;
  /** Parsed JSON of the summary export, unvalidated. */
  summaryExport: unknown;
  /** `--hdr-out` of the built-in engine: metric name -> base64 HDR of values ×1000. */
  hdr?: Record<string, string> | undefined;
  tool: { name: string; version: string };
  /** Where the data came from, for error messages. */
  source: string;
  meta?: Record<string, string | number | boolean>;
}

/** One threshold as k6 judged it; the verdicts stage turns these into Verdicts. */
export interface K6ThresholdResult {
  metric: string;
  rule: string;
  failed: boolean;
  /** The metric's value for the rule's aggregation, when the export carries it. */
  actual: number | undefined;
}

export interface K6Normalized {
  suite: Suite;
  thresholds: K6ThresholdResult[];
  warnings: QualityWarning[];
}

const TIME_METRIC = /(^http_req_|_duration$|_time$|_latency$|_lag$|_ms$)/;
const FAILURE_METRIC = /(fail|error)/i;

const num = (values: ExportedMetric, key: string): number | undefined => {
  const value = values[key];
  return typeof value === "number" ? value : undefined;
};

function baseName(key: string): string {
  const brace = key.indexOf("{");
  return brace === -1 ? key : key.slice(0, brace);
}

/** `p(95)<200` -> the export's `p(95)` value; `rate<0.01` on a rate metric -> `value`. */
function actualFor(rule: string, values: ExportedMetric): number | undefined {
  const aggregation = rule.match(/^\s*([a-z]+(?:\([\d.]+\))?)/)?.[1];
  if (!aggregation) return undefined;
  if (aggregation === "rate" && values.rate === undefined) return num(values, "value");
  return num(values, aggregation);
}

function trendMetric(
  key: string,
  values: ExportedMetric,
  hdr: string | undefined,
): Metric | undefined {
  const count = num(values, "count");
  const max = num(values, "max") ?? 0;
  if (count === 0 || max <= 0) return undefined;
  const fromHdr = hdr ? summarizeHdr(hdr) : undefined;
  const median = num(values, "med");
  const p90 = num(values, "p(90)");
  const p95 = num(values, "p(95)");
  const p99 = num(values, "p(99)");
  const min = num(values, "min");
  if (median === undefined || p90 === undefined || p95 === undefined || min === undefined) {
    return undefined;
  }
  const n = count ?? fromHdr?.n;
  return {
    id: key,
    unit: TIME_METRIC.test(baseName(key)) ? "ms" : "count",
    direction: "lower",
    summary: {
      ...(n !== undefined ? { n } : {}),
      min,
      median,
      p90,
      p95,
      ...(p99 !== undefined ? { p99 } : {}),
      max,
      ...(fromHdr?.mad !== undefined ? { mad: fromHdr.mad } : {}),
      ...(num(values, "avg") !== undefined ? { mean: num(values, "avg") } : {}),
    },
    ...(hdr ? { hdr } : {}),
  };
}

function counterMetrics(key: string, values: ExportedMetric): Metric[] {
  const name = baseName(key);
  const count = num(values, "count") ?? 0;
  const rate = num(values, "rate") ?? 0;
  if (name === "http_reqs") {
    return [
      { id: key, unit: "count", direction: "higher", value: count },
      {
        id: key.replace("http_reqs", "http_reqs_rate"),
        unit: "req/s",
        direction: "higher",
        value: rate,
      },
    ];
  }
  if (name === "iterations") {
    return [
      {
        id: key.replace("iterations", "iterations_rate"),
        unit: "iter/s",
        direction: "higher",
        value: rate,
      },
    ];
  }
  if (name === "dropped_iterations")
    return [{ id: key, unit: "count", direction: "lower", value: count }];
  if (name === "data_received" || name === "data_sent") return [];
  return [
    {
      id: key,
      unit: "count",
      direction: FAILURE_METRIC.test(name) ? "lower" : "higher",
      value: count,
    },
  ];
}

function rateMetric(key: string, values: ExportedMetric): Metric {
  const name = baseName(key);
  const lowerIsBetter = name === "http_req_failed" || FAILURE_METRIC.test(name);
  return {
    id: key,
    unit: "ratio",
    direction: lowerIsBetter ? "lower" : "higher",
    value: num(values, "value") ?? 0,
  };
}

/**
 * k6 summary export (from the real binary or the built-in engine) -> one `load` suite, the
 * thresholds k6 judged, and measurement-quality warnings. Pure.
 */
export function normalizeK6Summary(input: K6AdapterInput): K6Normalized {
  const parsed = SummaryExport.safeParse(input.summaryExport);
  if (!parsed.success) {
    throw new HarnessError(
      "E_K6_SUMMARY",
      `${input.source}: not a k6 summary export\n  ${formatIssues(parsed.error.issues).join("\n  ")}`,
      { hint: "the file must come from `k6 run --summary-export`", exitCode: EXIT.schema },
    );
  }
  const metrics: Metric[] = [];
  const thresholds: K6ThresholdResult[] = [];
  const warnings: QualityWarning[] = [];
  for (const key of Object.keys(parsed.data.metrics).sort()) {
    const values = parsed.data.metrics[key] as ExportedMetric;
    if ("med" in values) {
      const metric = trendMetric(key, values, input.hdr?.[key]);
      if (metric) metrics.push(metric);
    } else if ("passes" in values) {
      metrics.push(rateMetric(key, values));
    } else if ("count" in values) {
      metrics.push(...counterMetrics(key, values));
    }
    const rules = values.thresholds;
    if (typeof rules === "object") {
      for (const [rule, failed] of Object.entries(rules)) {
        thresholds.push({ metric: key, rule, failed, actual: actualFor(rule, values) });
      }
    }
  }
  const failedRate = metrics.find((m) => m.id === "http_req_failed")?.value ?? 0;
  if (failedRate > 0) {
    warnings.push({
      code: "http-errors",
      suite: input.scenario,
      metric: "http_req_failed",
      message: `${(failedRate * 100).toFixed(2)}% of requests failed; latency figures include failed requests`,
    });
  }
  const dropped = metrics.find((m) => m.id === "dropped_iterations")?.value ?? 0;
  if (dropped > 0) {
    warnings.push({
      code: "dropped-iterations",
      suite: input.scenario,
      metric: "dropped_iterations",
      message: `${dropped} iterations were dropped: the generator could not keep the arrival rate (raise preAllocatedVUs/maxVUs)`,
    });
  }
  const suite: Suite = {
    kind: "load",
    id: input.scenario,
    tool: input.tool,
    status: "ok",
    metrics,
    ...(input.meta ? { meta: input.meta } : {}),
  };
  return { suite, thresholds, warnings };
}
