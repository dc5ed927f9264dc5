import type { Unit, Verdict } from "../schema/index.ts";

/** Which number of a metric a chart plots: what its gate reads. */
export type Statistic = "value" | "median" | "p90" | "p95" | "p99";

/** A horizontal line on a chart: a k6 threshold, a Lighthouse assertion or a bundle budget. */
export interface ThresholdLine {
  value: number;
  /** The rule as written, e.g. `p(95)<500`. */
  label: string;
  /** The statistic the rule reads; undefined when it reads the plotted value. */
  statistic?: Statistic | undefined;
}

const KIB = /([\d.]+)\s*(?:KB|KiB)/g;

function k6Statistic(rule: string): Statistic | undefined {
  const p = /^p\((\d+(?:\.\d+)?)\)/.exec(rule)?.[1];
  if (p === "95") return "p95";
  if (p === "99") return "p99";
  if (p === "90") return "p90";
  if (/^(med)\b/.test(rule)) return "median";
  return undefined;
}

/**
 * The lines a verdict's rule draws on its metric's chart, in the metric's unit. Rules the
 * chart cannot draw (memory slopes, fault recovery, exceptions) give none. Pure.
 */
export function thresholdLines(verdict: Verdict, unit: Unit): ThresholdLine[] {
  const rule = verdict.rule ?? "";
  if (verdict.source === "budget") {
    if (rule.startsWith("exception")) return [];
    const sizes = [...rule.matchAll(KIB)].map((m) => Number(m[1]) * 1024);
    return sizes.map((value) => ({ value, label: rule }));
  }
  if (verdict.source === "k6-threshold" || verdict.source === "lhci") {
    const match = /(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(rule);
    if (!match) return [];
    let value = Number(match[2]);
    // Lighthouse scores are 0-1 in assertions and in the suite; percent units need scaling.
    if (unit === "percent" && value <= 1) value *= 100;
    return [{ value, label: rule, statistic: k6Statistic(rule) }];
  }
  return [];
}
