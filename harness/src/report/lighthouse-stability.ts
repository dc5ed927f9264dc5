import type { Metric } from "../schema/index.ts";

/** One gathered run, audited twice: with the calibrated multiplier and with the fixed one. */
export interface StabilityRun {
  condition: "idle" | "burned";
  benchmarkIndex: number;
  /** Other processes' CPU while it gathered, in cores. */
  foreignCores: number;
  calibrated: StabilityAudit;
  fixed: StabilityAudit;
}

export interface StabilityAudit {
  multiplier: number;
  tbt: number;
  score: number;
  lcp: number;
}

const METRICS = [
  ["tbt", "ms"],
  ["score", ""],
  ["lcp", "ms"],
] as const;

export interface StabilityRow {
  metric: (typeof METRICS)[number][0];
  throttling: "calibrated" | "fixed";
  idleMedian: number;
  burnedMedian: number;
  /** |burned median − idle median|: how far burning the cores moved the metric. */
  shift: number;
  /** Smallest and largest over every run, idle and burned. */
  min: number;
  max: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The Lighthouse stability check of `npm run evaluate`: the same gathered runs, idle and with
 * every core burned, audited with the calibrated and the fixed multiplier; per metric, how far
 * the burn moved its median and its range over all runs. Pure.
 */
export function stabilityRows(runs: readonly StabilityRun[]): StabilityRow[] {
  return METRICS.flatMap(([metric]) =>
    (["calibrated", "fixed"] as const).map((throttling) => {
      const of = (condition: StabilityRun["condition"]) =>
        runs.filter((r) => r.condition === condition).map((r) => r[throttling][metric]);
      const all = runs.map((r) => r[throttling][metric]);
      const idleMedian = median(of("idle"));
      const burnedMedian = median(of("burned"));
      return {
        metric,
        throttling,
        idleMedian,
        burnedMedian,
        shift: Math.abs(burnedMedian - idleMedian),
        min: Math.min(...all),
        max: Math.max(...all),
      };
    }),
  );
}

function fmt(metric: StabilityRow["metric"], value: number): string {
  return metric === "score" ? value.toFixed(2) : `${Math.round(value)} ms`;
}

/** calibrated ÷ fixed, or "—" when the fixed one did not move. */
function ratio(rows: readonly StabilityRow[], metric: string, pick: (r: StabilityRow) => number) {
  const calibrated = rows.find((r) => r.metric === metric && r.throttling === "calibrated");
  const fixed = rows.find((r) => r.metric === metric && r.throttling === "fixed");
  if (!calibrated || !fixed || pick(fixed) === 0) return undefined;
  return pick(calibrated) / pick(fixed);
}

/** The evaluate suite's metrics: calibrated ÷ fixed shift and range per metric (lower is better). */
export function stabilityMetrics(rows: readonly StabilityRow[]): Metric[] {
  return METRICS.flatMap(([metric]) =>
    (
      [
        ["shift", (r: StabilityRow) => r.shift],
        ["range", (r: StabilityRow) => r.max - r.min],
      ] as const
    ).flatMap(([what, pick]) => {
      const value = ratio(rows, metric, pick);
      return value === undefined
        ? []
        : [
            {
              id: `lighthouse/${metric}/${what}_calibrated_vs_fixed`,
              unit: "times" as const,
              direction: "lower" as const,
              value,
            },
          ];
    }),
  );
}

/** Markdown: one row per metric and throttling, then the machine the runs saw. */
export function renderStabilityTable(runs: readonly StabilityRun[], page: string): string {
  const rows = stabilityRows(runs);
  const lines = [
    "| metric | throttling | idle median | burned median | shift | range (all runs) | shift, range vs fixed |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const vs =
      row.throttling === "calibrated"
        ? [ratio(rows, row.metric, (r) => r.shift), ratio(rows, row.metric, (r) => r.max - r.min)]
            .map((v) => (v === undefined ? "—" : `${v.toFixed(2)}×`))
            .join(", ")
        : "";
    lines.push(
      `| ${row.metric} | ${row.throttling} | ${fmt(row.metric, row.idleMedian)} | ${fmt(row.metric, row.burnedMedian)} | ${fmt(row.metric, row.shift)} | ${fmt(row.metric, row.min)}–${fmt(row.metric, row.max)} | ${vs} |`,
    );
  }
  const side = (condition: StabilityRun["condition"]) => {
    const of = runs.filter((r) => r.condition === condition);
    return `${condition}: ${of.length} runs, benchmarkIndex median ${Math.round(median(of.map((r) => r.benchmarkIndex)))}, calibrated multiplier median ${median(of.map((r) => r.calibrated.multiplier)).toFixed(2)}×, foreign load median ${median(of.map((r) => r.foreignCores)).toFixed(2)} cores`;
  };
  const fixed = runs[0]?.fixed.multiplier ?? 4;
  return [
    ...lines,
    "",
    `Page \`${page}\`, each run gathered once and audited twice (calibrated; fixed ${fixed}×). ${side("idle")}; ${side("burned")} (one busy loop per core).`,
  ].join("\n");
}
