import type { DashChart } from "../report/dashboard.ts";
import type { TrendSeries } from "../report/trends.ts";
import { renderDashboardChart } from "./dashboard-chart.ts";

/** `20261125T074800Z_dfda705` → its start time in ms (run ids sort and parse as UTC times). */
function runTime(runId: string): number {
  const iso = runId.replace(
    /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z.*$/,
    "$1-$2-$3T$4:$5:$6Z",
  );
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * One metric's trend as a standalone SVG for `reports/charts/` (linked from TRENDS.md): the
 * dashboard's chart (time axis with commits, unit ticks from zero, change points), with links
 * relative to the charts folder.
 */
export function renderSvgChart(series: TrendSeries): string {
  const chart: DashChart = {
    key: series.key,
    suite: series.suite,
    metric: series.metric,
    unit: series.unit,
    direction: series.direction,
    statistic: "value",
    points: series.points.map((p) => ({ ...p, t: runTime(p.runId) })),
    thresholds: [],
    changePoints: series.changePoints.map((cp) => ({
      runId: cp.runId,
      shortSha: cp.shortSha,
      t: runTime(cp.runId),
      relativeShift: cp.relativeShift,
    })),
    detail: false,
    verdicts: [],
  };
  return `${renderDashboardChart(chart, { runsHref: "../runs/" })}\n`;
}

/** File name of a series' chart under `reports/charts/`. */
export function chartFileName(series: TrendSeries): string {
  return `${series.key.replace(/[^A-Za-z0-9._-]+/g, "_")}.svg`;
}
