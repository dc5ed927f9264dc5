import type { Direction, Metric, RunResult, Suite, Unit } from "../schema/index.ts";
import { detectChangePoints } from "../stats/change-points.ts";
import { verdictMetricId } from "./headline.ts";
import { type Statistic, type ThresholdLine, thresholdLines } from "./thresholds.ts";
import { noiseBandPct } from "./trends.ts";

/** One run's value on one chart; `t` is the run's start (ms since epoch) for a time x-axis. */
export interface DashPoint {
  t: number;
  runId: string;
  shortSha: string;
  ref: string;
  value: number;
  /** The median, drawn as the lower edge of a p50–p95 band when the chart plots p95. */
  p50?: number | undefined;
  p95?: number | undefined;
}

export interface DashChangePoint {
  runId: string;
  shortSha: string;
  t: number;
  relativeShift: number;
}

export interface DashChart {
  key: string;
  suite: string;
  metric: string;
  unit: Unit;
  direction: Direction;
  statistic: Statistic;
  points: DashPoint[];
  thresholds: ThresholdLine[];
  changePoints: DashChangePoint[];
  /** Bundle per-chunk sizes: shown inside a second collapsed block, after the totals. */
  detail: boolean;
  /** Latest run's verdicts on this metric, e.g. `FAIL p(95)<500`. */
  verdicts: string[];
}

export interface SummaryChange {
  key: string;
  suite: string;
  metric: string;
  unit: Unit;
  statistic: Statistic;
  before: number;
  after: number;
  changePct: number;
  /** Run-to-run noise band (±%) from earlier runs; undefined with fewer than 3. */
  noisePct?: number | undefined;
  kind: "regression" | "improvement";
}

export interface RunRef {
  runId: string;
  shortSha: string;
  startedAt: string;
}

export interface ProfileView {
  profile: string;
  runs: RunRef[];
  summary: {
    head?: RunRef | undefined;
    base?: RunRef | undefined;
    /** Regressions and improvements beyond the noise band, largest first. */
    changes: SummaryChange[];
    failing: { suite: string; metric: string; rule: string; level: string }[];
    warnings: { code: string; where: string; message: string }[];
  };
  sections: { id: string; title: string; charts: DashChart[] }[];
}

export interface DashboardModel {
  profiles: ProfileView[];
  /** The profile shown first: the one with the most main-line runs. */
  defaultProfile?: string | undefined;
  /** Prefix of a commit page (e.g. `https://github.com/o/r/commit/`); run reports otherwise. */
  commitUrl?: string | undefined;
  warnings: string[];
}

/** Sections in the order people read them; `bundle` is collapsed by the renderer. */
export const SECTIONS: { id: string; title: string; kinds: Suite["kind"][] }[] = [
  { id: "load", title: "Load scenarios", kinds: ["load", "memory"] },
  { id: "endpoint", title: "Endpoints", kinds: ["endpoint", "faults"] },
  { id: "lighthouse", title: "Lighthouse & Web Vitals", kinds: ["lighthouse"] },
  { id: "microbench", title: "Microbenchmarks", kinds: ["microbench"] },
  { id: "evaluation", title: "Regression detector (self-evaluation)", kinds: ["evaluation"] },
  { id: "bundle", title: "Bundle size", kinds: ["bundle"] },
];

/** The metrics people look at first in each kind; the rest follow alphabetically. */
const FIRST = [
  "http_req_duration",
  "latency",
  "http_reqs_rate",
  "requests_rate",
  "http_req_failed",
  "errors",
  "performance_score",
  "lcp",
  "initial_js.gzip",
  "total_js.raw",
];

function rankOf(metric: string): number {
  const i = FIRST.indexOf(metric);
  return i === -1 ? FIRST.length : i;
}

function statValue(metric: Metric, statistic: Statistic): number | undefined {
  if (statistic === "value") return metric.value ?? metric.summary?.median;
  return metric.summary?.[statistic];
}

interface Slot {
  suite: Suite;
  metric: Metric;
}

/** The statistic the gate reads (p95 for `p(95)<500`), else the median of a distribution. */
function statisticFor(metric: Metric, thresholds: ThresholdLine[]): Statistic {
  if (!metric.summary) return "value";
  const gated = thresholds.find((t) => t.statistic)?.statistic;
  return gated ?? "median";
}

function chartFor(
  key: string,
  slots: { run: RunResult; slot: Slot }[],
  mainRef: string,
): DashChart {
  const latest = slots.at(-1) as { run: RunResult; slot: Slot };
  const { suite, metric } = latest.slot;
  const verdicts = latest.run.verdicts.filter(
    (v) => v.suite === suite.id && verdictMetricId(v) === metric.id,
  );
  const allLines = verdicts.flatMap((v) => thresholdLines(v, metric.unit));
  const statistic = statisticFor(metric, allLines);
  const thresholds = allLines.filter((t) => !t.statistic || t.statistic === statistic);
  const points: DashPoint[] = [];
  for (const { run, slot } of slots) {
    const value = statValue(slot.metric, statistic);
    if (value === undefined || slot.metric.unit !== metric.unit) continue;
    points.push({
      t: Date.parse(run.startedAt),
      runId: run.runId,
      shortSha: run.git.shortSha,
      ref: run.git.ref,
      value,
      ...(slot.metric.summary && statistic !== "value"
        ? { p50: slot.metric.summary.median, p95: slot.metric.summary.p95 }
        : {}),
    });
  }
  const main = points.filter((p) => p.ref === mainRef);
  const changePoints =
    main.length >= 10
      ? detectChangePoints(main.map((p) => p.value)).map((cp) => {
          const at = main[cp.index] as DashPoint;
          return {
            runId: at.runId,
            shortSha: at.shortSha,
            t: at.t,
            relativeShift: cp.relativeShift,
          };
        })
      : [];
  return {
    key,
    suite: suite.id,
    metric: metric.id,
    unit: metric.unit,
    direction: metric.direction,
    statistic,
    points,
    thresholds,
    changePoints,
    detail: suite.kind === "bundle" && metric.id.startsWith("chunk."),
    verdicts: verdicts.map(
      (v) =>
        `${v.status === "pass" ? "pass" : v.status === "fail" ? "FAIL" : "skip"} ${v.rule ?? v.source}`,
    ),
  };
}

/** Latest main run of the profile against the main run before it, metric by metric. */
function summaryChanges(charts: readonly DashChart[], head: RunRef, base: RunRef): SummaryChange[] {
  const changes: SummaryChange[] = [];
  for (const chart of charts) {
    const i = chart.points.findIndex((p) => p.runId === head.runId);
    const before = chart.points.find((p) => p.runId === base.runId);
    const after = chart.points[i];
    if (!after || !before || before.value === 0) continue;
    const changePct = (after.value / before.value - 1) * 100;
    const earlier = chart.points.slice(0, i).map((p) => p.value);
    const noisePct = noiseBandPct(earlier);
    if (Math.abs(changePct) <= Math.max(2, noisePct ?? 0)) continue;
    const worse = chart.direction === "lower" ? changePct > 0 : changePct < 0;
    changes.push({
      key: chart.key,
      suite: chart.suite,
      metric: chart.metric,
      unit: chart.unit,
      statistic: chart.statistic,
      before: before.value,
      after: after.value,
      changePct,
      noisePct,
      kind: worse ? "regression" : "improvement",
    });
  }
  return changes.sort((a, b) => Math.abs(b.changePct) - Math.abs(a.changePct));
}

/**
 * Runs recorded before stages sampled foreign load still carry their load average: above one
 * runnable task per core, the machine was shared and the run's numbers are not the code's alone.
 */
function loadAverageWarnings(run: RunResult | undefined): ProfileView["summary"]["warnings"] {
  if (!run || run.warnings.some((w) => w.code === "foreign-load")) return [];
  const { cores, loadAvgBefore, loadAvgAfter } = run.env;
  const peak = Math.max(loadAvgBefore[0], loadAvgAfter?.[0] ?? 0);
  if (peak <= cores) return [];
  return [
    {
      code: "foreign-load",
      where: "run",
      message: `load average ${loadAvgBefore[0]}${loadAvgAfter ? ` → ${loadAvgAfter[0]}` : ""} on ${cores} cores while this run measured: its changes may be the machine's, not the code's`,
    },
  ];
}

const refOf = (run: RunResult): RunRef => ({
  runId: run.runId,
  shortSha: run.git.shortSha,
  startedAt: run.startedAt,
});

function profileView(profile: string, runs: RunResult[], mainRef: string): ProfileView {
  const slots = new Map<string, { run: RunResult; slot: Slot }[]>();
  for (const run of runs) {
    for (const suite of run.suites) {
      if (suite.status !== "ok") continue;
      for (const metric of suite.metrics) {
        const key = `${suite.kind}/${suite.id}/${metric.id}`;
        const list = slots.get(key) ?? [];
        list.push({ run, slot: { suite, metric } });
        slots.set(key, list);
      }
    }
  }
  const charts = [...slots].map(([key, list]) => chartFor(key, list, mainRef));
  const mainRuns = runs.filter((r) => r.git.ref === mainRef);
  const head = mainRuns.at(-1);
  const base = mainRuns.at(-2);
  const sections = SECTIONS.map((section) => ({
    id: section.id,
    title: section.title,
    charts: charts
      .filter((c) => section.kinds.includes(c.key.split("/")[0] as Suite["kind"]))
      .sort(
        (a, b) =>
          Number(a.detail) - Number(b.detail) ||
          a.suite.localeCompare(b.suite) ||
          rankOf(a.metric) - rankOf(b.metric) ||
          a.metric.localeCompare(b.metric),
      ),
  })).filter((section) => section.charts.length > 0);
  return {
    profile,
    runs: runs.map(refOf),
    summary: {
      head: head ? refOf(head) : undefined,
      base: base ? refOf(base) : undefined,
      changes: head && base ? summaryChanges(charts, refOf(head), refOf(base)) : [],
      failing: (head?.verdicts ?? [])
        .filter((v) => v.status === "fail")
        .map((v) => ({
          suite: v.suite,
          metric: v.metric,
          rule: v.rule ?? v.source,
          level: v.level,
        })),
      warnings: [
        ...loadAverageWarnings(head),
        ...(head?.warnings ?? []).map((w) => ({
          code: w.code,
          where: [w.suite, w.metric].filter(Boolean).join(" / ") || "run",
          message: w.message,
        })),
      ],
    },
    sections,
  };
}

/**
 * The dashboard over committed runs, one view per profile (quick, soak and evaluate runs never
 * share an axis). Only complete runs count; oldest first. Pure.
 */
export function buildDashboardModel(
  runs: readonly RunResult[],
  options: { mainRef?: string; commitUrl?: string; warnings?: string[] } = {},
): DashboardModel {
  const mainRef = options.mainRef ?? "main";
  const byProfile = new Map<string, RunResult[]>();
  for (const run of runs) {
    if (run.status !== "complete") continue;
    const list = byProfile.get(run.profile) ?? [];
    list.push(run);
    byProfile.set(run.profile, list);
  }
  const profiles = [...byProfile]
    .map(([profile, list]) => profileView(profile, list, mainRef))
    .sort((a, b) => b.runs.length - a.runs.length || a.profile.localeCompare(b.profile));
  return {
    profiles,
    defaultProfile: profiles[0]?.profile,
    commitUrl: options.commitUrl,
    warnings: options.warnings ?? [],
  };
}
