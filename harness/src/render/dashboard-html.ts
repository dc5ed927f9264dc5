import type { TrendModel } from "../report/trends.ts";
import { escapeMarkup } from "./_escape.ts";
import { formatValue } from "./_format.ts";
import { renderSvgChart } from "./svg-chart.ts";

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(660px,1fr));gap:12px}
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:8px;background:#fff}
figcaption{font-size:12px;color:#555}.fail{color:#b00;font-weight:600}.pass{color:#070}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}
.shift{color:#b00}
`;

/**
 * `reports/index.html`: a self-contained dashboard (no network, no script): one inline SVG chart
 * per metric series, the latest run's verdicts, level shifts, and links to each run's report.
 */
export function renderDashboardHtml(model: TrendModel): string {
  const parts: string[] = [];
  parts.push("<!doctype html>", '<html lang="en"><head><meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push("<title>perfgate dashboard</title>", `<style>${STYLE}</style></head><body>`);
  parts.push("<h1>perfgate dashboard</h1>");
  const head = model.runs.at(-1);
  const base = model.runs.at(-2);
  if (!head) {
    parts.push(
      "<p>No runs yet: <code>npm run load</code> writes the first one.</p></body></html>",
      "",
    );
    return parts.join("\n");
  }
  parts.push(
    `<p>${model.runs.length} runs. head: <a href="runs/${escapeMarkup(head.runId)}/report.md">${escapeMarkup(head.runId)}</a> (<code>${escapeMarkup(head.shortSha)}</code>)${base ? `, base: <a href="runs/${escapeMarkup(base.runId)}/report.md">${escapeMarkup(base.runId)}</a> (<code>${escapeMarkup(base.shortSha)}</code>)` : ""}. The last point of every chart is head.</p>`,
  );
  for (const warning of model.warnings)
    parts.push(`<p class="fail">⚠ ${escapeMarkup(warning)}</p>`);
  const shifts = model.series.flatMap((s) => s.changePoints.map((cp) => ({ s, cp })));
  if (shifts.length > 0) {
    parts.push("<h2>Level shifts on main</h2><ul>");
    for (const { s, cp } of shifts) {
      parts.push(
        `<li class="shift">${escapeMarkup(`${s.suite} · ${s.metric}: ${(cp.relativeShift * 100).toFixed(1)}% at ${cp.shortSha} (${cp.runId})`)}</li>`,
      );
    }
    parts.push("</ul>");
  }
  let section = "";
  for (const series of model.series) {
    const heading = `${series.kind} · ${series.suite}`;
    if (heading !== section) {
      if (section) parts.push("</div>");
      section = heading;
      parts.push(`<h2>${escapeMarkup(heading)}</h2><div class="grid">`);
    }
    const last = series.points.at(-1)?.value;
    const verdicts = series.latestVerdicts
      .map(
        (v) => `<span class="${v.startsWith("FAIL") ? "fail" : "pass"}">${escapeMarkup(v)}</span>`,
      )
      .join(" ");
    parts.push(`<figure class="chart" data-series="${escapeMarkup(series.key)}">`);
    parts.push(renderSvgChart(series));
    parts.push(
      `<figcaption>head ${escapeMarkup(formatValue(last, series.unit))} ${verdicts}</figcaption></figure>`,
    );
  }
  if (section) parts.push("</div>");
  parts.push(
    "<h2>Runs</h2><table><tr><th>run</th><th>commit</th><th>ref</th><th>profile</th></tr>",
  );
  for (const run of [...model.runs].reverse()) {
    parts.push(
      `<tr><td><a href="runs/${escapeMarkup(run.runId)}/report.md">${escapeMarkup(run.runId)}</a></td><td><code>${escapeMarkup(run.shortSha)}</code></td><td>${escapeMarkup(run.ref)}</td><td>${escapeMarkup(run.profile)}</td></tr>`,
    );
  }
  parts.push("</table></body></html>", "");
  return parts.join("\n");
}
