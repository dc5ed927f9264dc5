import {
  type ArchivedRun,
  archiveRun,
  type Direction,
  type RunResult,
  type Unit,
} from "../schema/index.ts";
import {
  type ChangePoint,
  detectChangePoints,
  median,
  robustSd,
  standardDeviation,
} from "../stats/index.ts";

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
  /** Last value vs the one before: `better | worse | same` by direction, beyond the noise band. */
  change: "better" | "worse" | "same" | "new";
  /** Last vs previous value in %, when there is a previous value. */
  changePct?: number | undefined;
  /** Run-to-run noise in % (2 robust sd of the earlier values over their median); ≥ 3 earlier runs. */
  noisePct?: number | undefined;
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
/** Earlier runs that estimate the noise band (the last ten before the latest). */
const NOISE_WINDOW = 10;

/** Two robust standard deviations of the earlier values, relative to their median, in %. */
export function noiseBandPct(earlier: readonly number[]): number | undefined {
  const recent = earlier.slice(-NOISE_WINDOW);
  if (recent.length < 3) return undefined;
  const mid = median(recent);
  if (mid === 0) return undefined;
  return ((2 * (robustSd(recent) || standardDeviation(recent))) / Math.abs(mid)) * 100;
}

function changeOf(
  points: TrendPoint[],
  direction: Direction,
): Pick<TrendSeries, "change" | "changePct" | "noisePct"> {
  if (points.length < 2) return { change: "new" };
  const last = (points.at(-1) as TrendPoint).value;
  const previous = (points.at(-2) as TrendPoint).value;
  const noisePct = noiseBandPct(points.slice(0, -1).map((p) => p.value));
  if (previous === 0)
    return last === 0 ? { change: "same", changePct: 0, noisePct } : { change: "worse", noisePct };
  const relative = last / previous - 1;
  const band = Math.max(DEAD_BAND, (noisePct ?? 0) / 100);
  const change =
    Math.abs(relative) <= band
      ? "same"
      : relative < 0 === (direction === "lower")
        ? "better"
        : "worse";
  return { change, changePct: relative * 100, noisePct };
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
    Object.assign(series, changeOf(series.points, series.direction));
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
