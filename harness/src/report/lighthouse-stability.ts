import type { Metric } from "../schema/index.ts";
import { median } from "../stats/index.ts";

/**
 * How a gathered run was audited: with the multiplier its own benchmarkIndex calls for, with
 * Lighthouse's fixed one (4×), and with one fixed multiplier equal to the calibrated median over
 * all runs (`matched`: the same average slowdown, without following the machine).
 */
export const THROTTLINGS = ["calibrated", "fixed", "matched"] as const;
export type Throttling = (typeof THROTTLINGS)[number];

/** One gathered run, audited once per throttling. */
export interface StabilityRun {
  condition: "idle" | "burned";
  benchmarkIndex: number;
  /** Other processes' CPU while it gathered, in cores. */
  foreignCores: number;
  audits: Record<Throttling, StabilityAudit>;
}

export interface StabilityAudit {
  multiplier: number;
  tbt: number;
  score: number;
  lcp: number;
}

const METRICS = ["tbt", "score", "lcp"] as const;

export interface StabilityRow {
  metric: (typeof METRICS)[number];
  throttling: Throttling;
  idleMedian: number;
  burnedMedian: number;
  /** |burned median − idle median|: how far burning the cores moved the metric. */
  shift: number;
  /** Smallest and largest over every run, idle and burned. */
  min: number;
  max: number;
}

/**
 * The Lighthouse stability check of `npm run evaluate`: the same gathered runs, idle and with
 * every core burned, audited per throttling; per metric, how far the burn moved its median and
 * its range over all runs. Pure.
 */
export function stabilityRows(runs: readonly StabilityRun[]): StabilityRow[] {
  return METRICS.flatMap((metric) =>
    THROTTLINGS.map((throttling) => {
      const of = (condition: StabilityRun["condition"]) =>
        runs.filter((r) => r.condition === condition).map((r) => r.audits[throttling][metric]);
      const all = runs.map((r) => r.audits[throttling][metric]);
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

type Pick = (r: StabilityRow) => number;
const PICKS: [string, Pick][] = [
  ["shift", (r) => r.shift],
  ["range", (r) => r.max - r.min],
];

/** calibrated ÷ the other throttling, or undefined when that one did not move. */
function ratio(rows: readonly StabilityRow[], metric: string, peer: Throttling, pick: Pick) {
  const calibrated = rows.find((r) => r.metric === metric && r.throttling === "calibrated");
  const other = rows.find((r) => r.metric === metric && r.throttling === peer);
  if (!calibrated || !other || pick(other) === 0) return undefined;
  return pick(calibrated) / pick(other);
}

/** The evaluate suite's metrics: calibrated ÷ fixed and ÷ matched, per metric (lower is better). */
export function stabilityMetrics(rows: readonly StabilityRow[]): Metric[] {
  return METRICS.flatMap((metric) =>
    (["fixed", "matched"] as const).flatMap((peer) =>
      PICKS.flatMap(([what, pick]) => {
        const value = ratio(rows, metric, peer, pick);
        return value === undefined
          ? []
          : [
              {
                id: `lighthouse/${metric}/${what}_calibrated_vs_${peer}`,
                unit: "times" as const,
                direction: "lower" as const,
                value,
              },
            ];
      }),
    ),
  );
}

function multiplierOf(runs: readonly StabilityRun[], throttling: Throttling): string {
  const values = runs.map((r) => r.audits[throttling].multiplier);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo.toFixed(2)}×` : `${lo.toFixed(2)}–${hi.toFixed(2)}×`;
}

/** Markdown: one row per metric and throttling, then the machine each condition saw. */
export function renderStabilityTable(runs: readonly StabilityRun[], page: string): string {
  const rows = stabilityRows(runs);
  const lines = [
    "| metric | throttling | multiplier | idle median | burned median | shift | range (all runs) | calibrated ÷ this: shift, range |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const vs =
      row.throttling === "calibrated"
        ? ""
        : PICKS.map(([, pick]) => ratio(rows, row.metric, row.throttling, pick))
            .map((v) => (v === undefined ? "—" : `${v.toFixed(2)}×`))
            .join(", ");
    lines.push(
      `| ${row.metric} | ${row.throttling} | ${multiplierOf(runs, row.throttling)} | ${fmt(row.metric, row.idleMedian)} | ${fmt(row.metric, row.burnedMedian)} | ${fmt(row.metric, row.shift)} | ${fmt(row.metric, row.min)}–${fmt(row.metric, row.max)} | ${vs} |`,
    );
  }
  const side = (condition: StabilityRun["condition"]) => {
    const of = runs.filter((r) => r.condition === condition);
    return `${condition}: ${of.length} runs, benchmarkIndex median ${Math.round(median(of.map((r) => r.benchmarkIndex)))}, foreign load median ${median(of.map((r) => r.foreignCores)).toFixed(2)} cores`;
  };
  return [
    ...lines,
    "",
    `Page \`${page}\`; each run gathered once and audited three times from the same trace: calibrated (its own benchmarkIndex ÷ 500), Lighthouse's fixed multiplier, and a fixed one equal to the calibrated median (matched). ${side("idle")}; ${side("burned")} (one busy loop per core).`,
  ].join("\n");
}
