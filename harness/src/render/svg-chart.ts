import type { TrendSeries } from "../report/trends.ts";
import { escapeMarkup } from "./_escape.ts";
import { formatValue } from "./_format.ts";

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 70, right: 16, top: 20, bottom: 28 };

const round = (n: number) => Math.round(n * 10) / 10;

/** One metric's trend as a standalone SVG: line, one circle per run, change points marked. */
export function renderSvgChart(series: TrendSeries): string {
  const values = series.points.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) || 1;
  const low = min - span * 0.1;
  const high = max + span * 0.1;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) =>
    round(PAD.left + (values.length === 1 ? innerW / 2 : (i / (values.length - 1)) * innerW));
  const y = (v: number) => round(PAD.top + innerH - ((v - low) / (high - low)) * innerH);
  const path = series.points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i)},${y(p.value)}`).join(" ");
  const circles = series.points
    .map(
      (p, i) =>
        `<circle class="point" cx="${x(i)}" cy="${y(p.value)}" r="3"><title>${escapeMarkup(`${p.runId} (${p.shortSha}): ${formatValue(p.value, series.unit)}`)}</title></circle>`,
    )
    .join("");
  const marks = series.changePoints
    .map((cp) => {
      const i = series.points.findIndex((p) => p.runId === cp.runId);
      if (i < 0) return "";
      return `<line class="change-point" x1="${x(i)}" x2="${x(i)}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#d33" stroke-dasharray="4 3"><title>${escapeMarkup(`level shift ${(cp.relativeShift * 100).toFixed(1)}% at ${cp.shortSha}`)}</title></line>`;
    })
    .join("");
  const title = `${series.suite} · ${series.metric} (${series.direction === "lower" ? "lower" : "higher"} is better)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeMarkup(title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="14" font-family="sans-serif" font-size="12">${escapeMarkup(title)}</text>`,
    `<text x="${PAD.left - 6}" y="${y(max) + 4}" font-family="sans-serif" font-size="10" text-anchor="end">${escapeMarkup(formatValue(max, series.unit))}</text>`,
    min === max
      ? ""
      : `<text x="${PAD.left - 6}" y="${y(min) + 4}" font-family="sans-serif" font-size="10" text-anchor="end">${escapeMarkup(formatValue(min, series.unit))}</text>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>`,
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>`,
    marks,
    `<path d="${path}" fill="none" stroke="#36c" stroke-width="1.5"/>`,
    `<g fill="#36c">${circles}</g>`,
    "</svg>",
    "",
  ].join("\n");
}

/** File name of a series' chart under `reports/charts/`. */
export function chartFileName(series: TrendSeries): string {
  return `${series.key.replace(/[^A-Za-z0-9._-]+/g, "_")}.svg`;
}
