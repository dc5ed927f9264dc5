import {
  type ArchivedRun,
  archiveRun,
  type Direction,
  type RunResult,
  type Unit,
} from "../schema/index.ts";
import { type ChangePoint, detectChangePoints } from "../stats/index.ts";

/** One value of a metric in one committed run. */
export interface TrendPoint {
  runId: string;
  shortSha: string;
  ref: string;
  value: number;
}

export interface TrendSeries {
  /** `<kind>/<suite>/<metric>`: stable across runs, also the chart file name. */
  key: string;
  kind: string;
  suite: string;
  metric: string;
  unit: Unit;
  direction: Direction;
  points: TrendPoint[];
  /** Last value vs the one before: `better | worse | same` by direction and a 2% dead band. */
  change: "better" | "worse" | "same" | "new";
  changePoints: (ChangePoint & { runId: string; shortSha: string })[];
  /** Verdicts of the latest run on this metric, e.g. `FAIL p(95)<500`. */
  latestVerdicts: string[];
}

export interface TrendModel {
  runs: { runId: string; shortSha: string; ref: string; status: string; profile: string }[];
  series: TrendSeries[];
  warnings: string[];
}

const DEAD_BAND = 0.02;

function changeOf(points: TrendPoint[], direction: Direction): TrendSeries["change"] {
  if (points.length < 2) return "new";
  const last = (points.at(-1) as TrendPoint).value;
  const previous = (points.at(-2) as TrendPoint).value;
  if (previous === 0) return last === 0 ? "same" : "worse";
  const relative = last / previous - 1;
  if (Math.abs(relative) < DEAD_BAND) return "same";
  return relative < 0 === (direction === "lower") ? "better" : "worse";
}

/**
 * Trend model over committed runs (and archived months, which come first), oldest first. Only
 * complete runs feed the series; change points use the main line only; each series keeps the last
 * `window` points for display. Pure.
 */
export function buildTrendModel(
  runs: readonly RunResult[],
  options: {
    window?: number;
    mainRef?: string;
    warnings?: string[];
    archived?: readonly ArchivedRun[];
  } = {},
): TrendModel {
  const { window = 30, mainRef = "main" } = options;
  const complete = [...(options.archived ?? []), ...runs.map(archiveRun)].filter(
    (run) => run.status === "complete",
  );
  const byKey = new Map<string, TrendSeries>();
  for (const run of complete) {
    for (const [key, { unit, direction, value }] of Object.entries(run.values)) {
      const [kind = "", suite = "", ...rest] = key.split("/");
      let series = byKey.get(key);
      if (!series) {
        series = {
          key,
          kind,
          suite,
          metric: rest.join("/"),
          unit,
          direction,
          points: [],
          change: "new",
          changePoints: [],
          latestVerdicts: [],
        };
        byKey.set(key, series);
      }
      // A unit change breaks comparability: start the series again rather than mix units.
      if (series.unit !== unit) {
        series.unit = unit;
        series.points = [];
      }
      series.points.push({ runId: run.runId, shortSha: run.git.shortSha, ref: run.git.ref, value });
    }
  }
  const latest = runs.filter((run) => run.status === "complete").at(-1);
  for (const series of byKey.values()) {
    const main = series.points.filter((p) => p.ref === mainRef);
    series.changePoints = (
      main.length >= 10 ? detectChangePoints(main.map((p) => p.value)) : []
    ).map((cp) => ({
      ...cp,
      runId: (main[cp.index] as TrendPoint).runId,
      shortSha: (main[cp.index] as TrendPoint).shortSha,
    }));
    series.change = changeOf(series.points, series.direction);
    series.points = series.points.slice(-window);
    series.latestVerdicts = (latest?.verdicts ?? [])
      .filter((v) => v.suite === series.suite && v.metric === series.metric)
      .map(
        (v) =>
          `${v.status === "pass" ? "pass" : v.status === "fail" ? "FAIL" : "skip"} ${v.rule ?? v.label ?? v.source}`,
      );
  }
  return {
    runs: complete.slice(-window).map((run) => ({
      runId: run.runId,
      shortSha: run.git.shortSha,
      ref: run.git.ref,
      status: run.status,
      profile: run.profile,
    })),
    series: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)),
    warnings: options.warnings ?? [],
  };
}
