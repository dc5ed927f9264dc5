import { readArchives } from "../history/archive.ts";
import { writeReportPages } from "../history/report-pages.ts";
import { readRuns } from "../history/run-store.ts";
import { renderDashboardHtml } from "../render/dashboard-html.ts";
import { chartFileName, renderSvgChart } from "../render/svg-chart.ts";
import { renderTrendsMarkdown } from "../render/trends-markdown.ts";
import { buildDashboardModel } from "../report/dashboard.ts";
import { buildTrendModel } from "../report/trends.ts";
import { redactorFor } from "../schema/index.ts";

/**
 * Regenerate `reports/TRENDS.md`, `reports/charts/*.svg` and `reports/index.html` from
 * `reports/runs/`. Deterministic: the same runs give the same bytes. Stale charts are removed.
 */
export async function writeTrendPages(
  reportsDir: string,
  options: { commitUrl?: string | undefined; redact?: readonly string[] } = {},
): Promise<{ files: string[]; warnings: string[] }> {
  const { runs, warnings } = await readRuns(reportsDir, options.redact);
  // Archived runs are redacted like committed ones: chart file names come from their ids.
  const archives = await readArchives(reportsDir);
  archives.runs = redactorFor(options.redact).deep(archives.runs);
  const model = buildTrendModel(runs, {
    archived: archives.runs,
    warnings: [...archives.warnings, ...warnings].map((w) => w.message),
  });
  const files = await writeReportPages(reportsDir, {
    charts: new Map(model.series.map((series) => [chartFileName(series), renderSvgChart(series)])),
    files: {
      "TRENDS.md": renderTrendsMarkdown(model),
      "index.html": renderDashboardHtml(
        buildDashboardModel(runs, {
          warnings: model.warnings,
          ...(options.commitUrl ? { commitUrl: options.commitUrl } : {}),
        }),
      ),
    },
  });
  return { files, warnings: model.warnings };
}
