import { parseDuration } from "./duration.ts";
import { type MetricType, parseMetricKey, type Registry, type Sink } from "./metrics.ts";
import { show } from "./options.ts";

export interface Threshold {
  /** Metric or sub-metric key, e.g. `http_req_duration{scenario:browse}`. */
  metric: string;
  /** The expression as written, e.g. `p(95)<200`. */
  source: string;
  aggregation: string;
  operator: "<=" | "<" | ">=" | ">" | "==" | "!=";
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

const OPERATORS = ["<=", "<", ">=", ">", "===", "==", "!="] as const;

/** How often thresholds are evaluated while the test runs (k6 `thresholdsRate`). */
export const THRESHOLDS_RATE_MS = 2000;

const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\((\d+(\.\d+)?)\))$/,
};

/** `p(95) < 200` -> parts, or an error text naming what is wrong. */
export function parseExpression(
  source: string,
): Omit<Threshold, "metric" | "abortOnFail" | "delayAbortEvalMs"> | string {
  const text = source.replace(/\s+/g, "");
  for (const op of OPERATORS) {
    const at = text.indexOf(op);
    if (at <= 0) continue;
    const aggregation = text.slice(0, at);
    const value = Number(text.slice(at + op.length));
    if (!Number.isFinite(value) || text.slice(at + op.length) === "") {
      return `"${source}": the right-hand side must be a number`;
    }
    const operator = (op === "===" ? "==" : op) as Threshold["operator"];
    return { source, aggregation, operator, value };
  }
  return `"${source}": expected <aggregation> <operator> <number>, e.g. p(95)<200`;
}

/**
 * Parse the `thresholds` option against the metrics the script defines. Returns every problem at
 * once (k6 exits 104 on any of them) and registers the sub-metrics thresholds refer to.
 */
export function parseThresholds(
  raw: unknown,
  registry: Registry,
): { thresholds: Threshold[]; errors: string[] } {
  const thresholds: Threshold[] = [];
  const errors: string[] = [];
  if (raw === undefined) return { thresholds, errors };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      thresholds,
      errors: ["thresholds: must be an object of metric -> list of expressions"],
    };
  }
  for (const [key, list] of Object.entries(raw)) {
    const parsedKey = parseMetricKey(key);
    if (!parsedKey) {
      errors.push(`thresholds["${key}"]: malformed metric name (expected name or name{tag:value})`);
      continue;
    }
    const def = registry.metrics.get(parsedKey.name);
    if (!def) {
      errors.push(
        `thresholds["${key}"]: no metric named "${parsedKey.name}" (define it with k6/metrics or fix the name)`,
      );
      continue;
    }
    if (key !== parsedKey.name) registry.subMetric(key);
    const entries = Array.isArray(list) ? list : [list];
    entries.forEach((entry, index) => {
      const where = `thresholds["${key}"][${index}]`;
      const spec =
        typeof entry === "string" ? { threshold: entry } : (entry as Record<string, unknown>);
      if (typeof spec?.threshold !== "string") {
        errors.push(`${where}: expected a string like "p(95)<200" or { threshold, abortOnFail }`);
        return;
      }
      const parsed = parseExpression(spec.threshold);
      if (typeof parsed === "string") {
        errors.push(`${where}: ${parsed}`);
        return;
      }
      if (!AGGREGATIONS[def.type].test(parsed.aggregation)) {
        errors.push(
          `${where}: "${parsed.aggregation}" is not an aggregation of a ${def.type} metric`,
        );
        return;
      }
      const percentile = parsed.aggregation.match(/^p\((.+)\)$/);
      if (percentile && Number(percentile[1]) > 100) {
        errors.push(`${where}: percentile must be between 0 and 100`);
        return;
      }
      const delay = spec.delayAbortEval === undefined ? 0 : parseDuration(spec.delayAbortEval);
      if (delay === undefined) {
        errors.push(`${where}.delayAbortEval: ${show(spec.delayAbortEval)} is not a duration`);
        return;
      }
      thresholds.push({
        ...parsed,
        metric: key,
        abortOnFail: spec.abortOnFail === true,
        delayAbortEvalMs: delay,
      });
    });
  }
  return { thresholds, errors };
}

/** The value of an aggregation on a sink; `undefined` for a rate with no samples (k6: passes). */
export function aggregate(
  sink: Sink,
  aggregation: string,
  elapsedSeconds: number,
): number | undefined {
  switch (aggregation) {
    case "count":
      // A counter's count is the sum of what was added (k6's CounterSink), not its samples.
      return sink.type === "counter" ? sink.sum : sink.count;
    case "rate":
      if (sink.type === "counter") return elapsedSeconds > 0 ? sink.sum / elapsedSeconds : 0;
      return sink.count === 0 ? undefined : sink.nonZero / sink.count;
    case "value":
      return sink.count === 0 ? 0 : sink.last;
    case "avg":
      return sink.count === 0 ? 0 : sink.sum / sink.count;
    case "min":
      return sink.count === 0 ? 0 : sink.min;
    case "max":
      return sink.count === 0 ? 0 : sink.max;
    case "med":
      return sink.percentile(50);
    default: {
      const p = aggregation.match(/^p\((.+)\)$/);
      return p ? sink.percentile(Number(p[1])) : undefined;
    }
  }
}

const COMPARE: Record<Threshold["operator"], (a: number, b: number) => boolean> = {
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/** Whether the threshold's (sub-)metric has samples: k6 skips empty sinks while the test runs. */
export function hasSamples(threshold: Threshold, registry: Registry): boolean {
  return (registry.sinkOf(threshold.metric)?.sink.count ?? 0) > 0;
}

/** Whether a threshold holds now; a rate with no samples passes, as in k6. */
export function thresholdPasses(
  threshold: Threshold,
  registry: Registry,
  elapsedSeconds: number,
): boolean {
  const found = registry.sinkOf(threshold.metric);
  if (!found) return true;
  const actual = aggregate(found.sink, threshold.aggregation, elapsedSeconds);
  return actual === undefined ? true : COMPARE[threshold.operator](actual, threshold.value);
}
