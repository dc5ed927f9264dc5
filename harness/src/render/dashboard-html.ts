import type { DashboardModel, DashChart, ProfileView, SummaryChange } from "../report/dashboard.ts";
import { escapeMarkup as esc } from "./_escape.ts";
import { formatValue } from "./_format.ts";
import { renderDashboardChart } from "./dashboard-chart.ts";

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{display:flex;gap:24px;align-items:center;padding:10px 24px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0}main{padding:0 24px 24px;max-width:1800px}
h2{font-size:16px;margin:20px 0 8px}h3{font-size:14px;margin:12px 0 4px}
.summary{background:#fff;border:1px solid #ddd;border-radius:8px;padding:4px 16px 12px;margin-top:16px}
.biggest{font-size:16px}.regression{color:#b00}.improvement{color:#070}.warn{color:#a60}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(570px,1fr));gap:10px}
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:6px;background:#fff}
figcaption{font-size:12px;color:#444}.fail{color:#b00;font-weight:600}.pass{color:#070}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}summary h2{display:inline}
details.section>summary{cursor:pointer}.legend{font-size:12px;color:#555}
`;

/** Shows the chosen profile's view; without script the default profile alone is visible. */
const SCRIPT = `
const select = document.getElementById("profile");
select.addEventListener("change", () => {
  for (const view of document.querySelectorAll(".profile"))
    view.hidden = view.dataset.profile !== select.value;
});
`;

const LEGEND =
  '<p class="legend">Each chart: the line is the statistic its gate reads (p95 where the threshold is p(95)), the band p50–p95, red dashes a threshold or budget, orange dashes a level shift (click: its commit); click a point for its run report. y-axes start at zero.</p>';

const pct = (v: number) => `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(1)}%`;

/** Chart anchors carry the profile: the same metric has a chart in every profile's view. */
const anchor = (profile: string, key: string) => `chart-${profile}-${key}`;

function changeRow(c: SummaryChange, profile: string): string {
  const noise =
    c.noisePct === undefined ? "unknown (< 3 earlier runs)" : `±${c.noisePct.toFixed(1)}%`;
  return `<tr class="${c.kind}"><td><a href="#${esc(anchor(profile, c.key))}">${esc(`${c.suite} · ${c.metric}`)}</a> <small>${esc(c.statistic)}</small></td><td class="num">${esc(formatValue(c.before, c.unit))} → ${esc(formatValue(c.after, c.unit))}</td><td class="num">${pct(c.changePct)}</td><td class="num">${esc(noise)}</td></tr>`;
}

/** The largest changes in view; the rest one click away, so the summary stays a summary. */
const SHOWN = 6;

function changeTable(title: string, changes: SummaryChange[], profile: string): string[] {
  if (changes.length === 0) return [`<h3>${title}: none beyond noise</h3>`];
  const header =
    "<table><tr><th>metric</th><th>before → after</th><th>change</th><th>noise band</th></tr>";
  const out = [
    `<h3>${title} (${changes.length})</h3>`,
    header,
    ...changes.slice(0, SHOWN).map((c) => changeRow(c, profile)),
    "</table>",
  ];
  if (changes.length > SHOWN)
    out.push(
      `<details><summary>${changes.length - SHOWN} more</summary>${header}${changes
        .slice(SHOWN)
        .map((c) => changeRow(c, profile))
        .join("")}</table></details>`,
    );
  return out;
}

/** Latest main run against the one before it: what changed, what fails, what to distrust. */
function summary(view: ProfileView): string[] {
  const { head, base, changes, failing, warnings } = view.summary;
  const out = [`<section class="summary" id="summary-${esc(view.profile)}">`];
  if (!head)
    return [...out, "<h2>Summary</h2><p>No main-line run of this profile yet.</p></section>"];
  const link = (r: { runId: string; shortSha: string }) =>
    `<a href="runs/${esc(r.runId)}/report.md">${esc(r.shortSha)}</a>`;
  out.push(
    `<h2>Summary: latest main run ${link(head)} (${esc(head.startedAt.slice(0, 16).replace("T", " "))} UTC)${base ? ` vs the one before, ${link(base)}` : ""}</h2>`,
  );
  const biggest = changes[0];
  const underLoad = warnings.some((w) => w.code === "foreign-load");
  if (!base) out.push("<p>No earlier main run of this profile to compare with.</p>");
  else if (biggest)
    out.push(
      `<p class="biggest ${biggest.kind}">Biggest change: <b>${esc(`${biggest.suite} · ${biggest.metric}`)} ${pct(biggest.changePct)}</b> (${esc(formatValue(biggest.before, biggest.unit))} → ${esc(formatValue(biggest.after, biggest.unit))}, ${biggest.kind})${underLoad ? ' <span class="warn">— measured under foreign load, see the warnings below</span>' : ""}</p>`,
    );
  else out.push('<p class="biggest">No change beyond noise.</p>');
  if (base) {
    out.push(
      ...changeTable(
        "Regressions",
        changes.filter((c) => c.kind === "regression"),
        view.profile,
      ),
    );
    out.push(
      ...changeTable(
        "Improvements",
        changes.filter((c) => c.kind === "improvement"),
        view.profile,
      ),
    );
  }
  out.push(`<h3>Failing budgets and thresholds (${failing.length})</h3>`);
  if (failing.length > 0)
    out.push(
      `<ul>${failing.map((f) => `<li class="${f.level === "error" ? "fail" : "warn"}">${esc(`${f.suite} · ${f.metric}: ${f.rule} (${f.level})`)}</li>`).join("")}</ul>`,
    );
  out.push(`<h3>Warnings (${warnings.length})</h3>`);
  if (warnings.length > 0)
    out.push(
      `<ul>${warnings.map((w) => `<li class="warn">⚠ <code>${esc(w.code)}</code> (${esc(w.where)}): ${esc(w.message)}</li>`).join("")}</ul>`,
    );
  out.push("</section>");
  return out;
}

function figure(chart: DashChart, view: ProfileView, commitUrl: string | undefined): string {
  const last = chart.points.at(-1);
  const loaded = view.summary.warnings.some(
    (w) => w.code === "foreign-load" && w.where.split(" / ")[0] === chart.suite,
  );
  const verdicts = chart.verdicts
    .map((v) => `<span class="${v.startsWith("FAIL") ? "fail" : "pass"}">${esc(v)}</span>`)
    .join(" ");
  return [
    `<figure id="${esc(anchor(view.profile, chart.key))}" data-key="${esc(chart.key)}">`,
    `<figcaption><b>${esc(`${chart.suite} · ${chart.metric}`)}</b> ${chart.direction === "lower" ? "↓ lower is better" : "↑ higher is better"} · latest ${esc(chart.statistic)} ${esc(last ? formatValue(last.value, chart.unit) : "—")} ${verdicts}${loaded ? ' <span class="warn">⚠ foreign-load: measured under load</span>' : ""}</figcaption>`,
    renderDashboardChart(chart, { commitUrl }),
    "</figure>",
  ].join("");
}

function sections(view: ProfileView, commitUrl: string | undefined): string[] {
  const out: string[] = [];
  for (const section of view.sections) {
    const grid = (charts: DashChart[]) =>
      `<div class="grid">${charts.map((c) => figure(c, view, commitUrl)).join("\n")}</div>`;
    if (section.id !== "bundle") {
      out.push(
        `<section class="section" data-section="${section.id}"><h2>${esc(section.title)}</h2>`,
      );
      out.push(grid(section.charts), "</section>");
      continue;
    }
    const totals = section.charts.filter((c) => !c.detail);
    const chunks = section.charts.filter((c) => c.detail);
    out.push(
      `<details class="section" data-section="bundle"><summary><h2>${esc(section.title)}</h2> (${totals.length} totals, ${chunks.length} per-chunk sizes)</summary>`,
      grid(totals),
      chunks.length > 0
        ? `<details><summary>Per-chunk sizes (${chunks.length})</summary>${grid(chunks)}</details>`
        : "",
      "</details>",
    );
  }
  return out;
}

/**
 * `reports/index.html`: a static, self-contained dashboard (no network). Per profile: the
 * summary first, then load → endpoints → Lighthouse → microbench → bundle (collapsed).
 */
export function renderDashboardHtml(model: DashboardModel): string {
  const out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">'];
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push("<title>perfgate dashboard</title>", `<style>${STYLE}</style></head><body>`);
  out.push("<header><h1>perfgate dashboard</h1>");
  if (model.profiles.length === 0) {
    out.push(
      "</header><main><p>No runs yet: <code>npm run load</code> writes the first one.</p></main></body></html>",
      "",
    );
    return out.join("\n");
  }
  out.push(
    `<label>profile <select id="profile">${model.profiles.map((p) => `<option value="${esc(p.profile)}"${p.profile === model.defaultProfile ? " selected" : ""}>${esc(p.profile)} (${p.runs.length} runs)</option>`).join("")}</select></label></header><main>`,
  );
  for (const warning of model.warnings) out.push(`<p class="warn">⚠ ${esc(warning)}</p>`);
  for (const view of model.profiles) {
    out.push(
      `<div class="profile" data-profile="${esc(view.profile)}"${view.profile === model.defaultProfile ? "" : " hidden"}>`,
    );
    out.push(...summary(view), LEGEND, ...sections(view, model.commitUrl));
    out.push("<h2>Runs</h2><table><tr><th>run</th><th>commit</th><th>started (UTC)</th></tr>");
    for (const run of [...view.runs].reverse())
      out.push(
        `<tr><td><a href="runs/${esc(run.runId)}/report.md">${esc(run.runId)}</a></td><td><code>${esc(run.shortSha)}</code></td><td>${esc(run.startedAt.slice(0, 16).replace("T", " "))}</td></tr>`,
      );
    out.push("</table></div>");
  }
  out.push(`</main><script>${SCRIPT}</script></body></html>`, "");
  return out.join("\n");
}
