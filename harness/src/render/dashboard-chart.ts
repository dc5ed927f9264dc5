import type { DashChart, DashPoint } from "../report/dashboard.ts";
import { escapeMarkup as esc } from "./_escape.ts";
import { formatValue } from "./_format.ts";

const W = 560;
const H = 230;
const PAD = { left: 78, right: 86, top: 14, bottom: 46 };
const IW = W - PAD.left - PAD.right;
const IH = H - PAD.top - PAD.bottom;

const STAT_LABEL = { value: "value", median: "p50", p90: "p90", p95: "p95", p99: "p99" } as const;

const r1 = (n: number) => Math.round(n * 10) / 10;

/** 1, 2 or 5 × 10^k: tick steps a reader can add up. */
function niceStep(span: number): number {
  const raw = span / 4 || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/**
 * A threshold far above the data (500 ms against a 5 ms p95) would flatten the line into the
 * axis: it is drawn as a note at the top edge instead of stretching the scale.
 */
function onScale(value: number, chart: DashChart): boolean {
  const top = Math.max(...chart.points.map((p) => Math.max(p.value, p.p95 ?? p.value)));
  return top <= 0 || value <= top * 3;
}

/** Ticks from a zero baseline for non-negative data (418 → 422 B must not fill the chart). */
function yScale(chart: DashChart): { lo: number; hi: number; ticks: number[] } {
  const values = chart.points.flatMap((p) => [p.value, p.p50 ?? p.value, p.p95 ?? p.value]);
  values.push(...chart.thresholds.filter((t) => onScale(t.value, chart)).map((t) => t.value));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const lo0 = Math.min(min, 0);
  const step = niceStep((max - lo0) * 1.05 || Math.abs(max) || 1);
  const lo = Math.floor(lo0 / step) * step;
  const hi = Math.max(lo + step, Math.ceil((max * 1.05 - lo) / step) * step + lo);
  let ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  // A share never exceeds 100%: no tick above it when the data stays below.
  if (chart.unit === "ratio" && max <= 1) ticks = [...ticks.filter((v) => v < 1), 1];
  return { lo, hi: ticks.at(-1) ?? hi, ticks };
}

function timeLabel(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** At most five point times as x ticks: first, last and evenly spaced between. */
function xTicks(points: readonly DashPoint[]): DashPoint[] {
  if (points.length <= 5) return [...points];
  const picks = [0, 1, 2, 3, 4].map((i) => Math.round((i * (points.length - 1)) / 4));
  return picks.map((i) => points[i] as DashPoint);
}

export interface ChartLinks {
  /** Commit page prefix for change points; the run's report when absent. */
  commitUrl?: string | undefined;
  /** Where `runs/` is from the page holding the chart (`../runs/` from `reports/charts/`). */
  runsHref?: string;
}

/**
 * One metric as an inline SVG: time x-axis (run start, with the commit under each tick),
 * unit-labelled y ticks from a zero baseline, the gated statistic as the line with a p50–p95
 * band, threshold and budget lines, change points linking to their commit, and every point
 * linking to its run's report.
 */
export function renderDashboardChart(chart: DashChart, links: ChartLinks = {}): string {
  const { points } = chart;
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t));
  const x = (t: number) => r1(PAD.left + (t1 === t0 ? IW / 2 : ((t - t0) / (t1 - t0)) * IW));
  const { lo, hi, ticks } = yScale(chart);
  const y = (v: number) => r1(PAD.top + IH - ((v - lo) / (hi - lo)) * IH);
  const fmt = (v: number) => formatValue(v, chart.unit);
  const runs = links.runsHref ?? "runs/";
  // Ticks are round numbers: "20 ms", not "20.0 ms"; "0 ms", not "0.000 ms".
  const tick = (v: number) =>
    fmt(v).replace(/\.(\d*?)0+(?!\d)/, (_m, keep: string) => (keep ? `.${keep}` : ""));
  const stat = STAT_LABEL[chart.statistic];
  const out: string[] = [];
  const label = `${chart.suite} · ${chart.metric}: ${stat} in ${chart.unit} over time`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}" font-family="system-ui,sans-serif" font-size="10">`,
  );
  for (const v of ticks) {
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + IW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text class="y-tick" x="${PAD.left - 5}" y="${y(v) + 3}" text-anchor="end">${esc(tick(v))}</text>`,
    );
  }
  let lastTickX = Number.NEGATIVE_INFINITY;
  for (const p of xTicks(points)) {
    // Runs minutes apart would print their labels over each other: keep the first.
    if (x(p.t) - lastTickX < 70) continue;
    lastTickX = x(p.t);
    out.push(
      `<line x1="${x(p.t)}" x2="${x(p.t)}" y1="${PAD.top + IH}" y2="${PAD.top + IH + 4}" stroke="#999"/>`,
      `<text class="x-tick" x="${x(p.t)}" y="${PAD.top + IH + 14}" text-anchor="middle">${esc(timeLabel(p.t))}</text>`,
      `<text class="x-tick-commit" x="${x(p.t)}" y="${PAD.top + IH + 25}" text-anchor="middle" fill="#666">${esc(p.shortSha)}</text>`,
    );
  }
  out.push(
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + IH}" stroke="#999"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left + IW}" y1="${PAD.top + IH}" y2="${PAD.top + IH}" stroke="#999"/>`,
    `<text class="axis-title y-axis-title" transform="translate(12 ${PAD.top + IH / 2}) rotate(-90)" text-anchor="middle">${esc(`${stat} (${chart.unit})`)}</text>`,
    `<text class="axis-title x-axis-title" x="${PAD.left + IW / 2}" y="${H - 4}" text-anchor="middle">run start (UTC) · commit</text>`,
  );
  const banded = points.filter((p) => p.p50 !== undefined && p.p95 !== undefined);
  if (banded.length > 1) {
    const upper = banded.map((p) => `${x(p.t)},${y(p.p95 as number)}`);
    const lower = banded.map((p) => `${x(p.t)},${y(p.p50 as number)}`).reverse();
    out.push(
      `<polygon class="band" points="${[...upper, ...lower].join(" ")}" fill="#36c" fill-opacity="0.12"><title>p50–p95</title></polygon>`,
    );
  }
  for (const line of chart.thresholds) {
    if (!onScale(line.value, chart)) {
      out.push(
        `<g class="threshold off-scale"><text x="${PAD.left + IW + 4}" y="${PAD.top + 3}" fill="#c00">${esc(`↑ ${line.label}`)}</text><title>${esc(`${line.label}: far above the data`)}</title></g>`,
      );
      continue;
    }
    out.push(
      `<g class="threshold"><line x1="${PAD.left}" x2="${PAD.left + IW}" y1="${y(line.value)}" y2="${y(line.value)}" stroke="#c00" stroke-dasharray="6 3"/><text x="${PAD.left + IW + 4}" y="${y(line.value) + 3}" fill="#c00">${esc(line.label)}</text></g>`,
    );
  }
  for (const cp of chart.changePoints) {
    const href = links.commitUrl
      ? `${links.commitUrl}${cp.shortSha}`
      : `runs/${cp.runId}/report.md`;
    const shift = `${cp.relativeShift > 0 ? "+" : "−"}${Math.abs(cp.relativeShift * 100).toFixed(1)}%`;
    out.push(
      `<a class="change-point" href="${esc(href)}"><title>${esc(`level shift ${shift} at ${cp.shortSha}`)}</title><line x1="${x(cp.t)}" x2="${x(cp.t)}" y1="${PAD.top}" y2="${PAD.top + IH}" stroke="#d60" stroke-width="1.5" stroke-dasharray="4 3"/><text x="${x(cp.t) + 3}" y="${PAD.top + 9}" fill="#d60">▲ ${esc(`${shift} ${cp.shortSha}`)}</text></a>`,
    );
  }
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t)},${y(p.value)}`).join(" ");
  out.push(`<path d="${path}" fill="none" stroke="#36c" stroke-width="1.5"/>`);
  for (const p of points) {
    out.push(
      `<a href="${esc(runs)}${esc(p.runId)}/report.md"><circle class="point" cx="${x(p.t)}" cy="${y(p.value)}" r="3.5" fill="#36c"><title>${esc(`${p.runId} (${p.shortSha}, ${p.ref}): ${stat} ${fmt(p.value)}`)}</title></circle></a>`,
    );
  }
  out.push("</svg>");
  return out.join("");
}
