import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { renderDashboardHtml } from "../render/dashboard-html.ts";
import { chartFileName, renderSvgChart } from "../render/svg-chart.ts";
import { renderTrendsMarkdown } from "../render/trends-markdown.ts";
import { buildDashboardModel } from "../report/dashboard.ts";
import { buildTrendModel } from "../report/trends.ts";
import { readArchives } from "./archive.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { withReportsLock } from "./lock.ts";
import { readRuns } from "./run-store.ts";

/**
 * Regenerate `reports/TRENDS.md`, `reports/charts/*.svg` and `reports/index.html` from
 * `reports/runs/`. Deterministic: the same runs give the same bytes. Stale charts are removed.
 */
export async function writeTrendPages(
  reportsDir: string,
  options: { commitUrl?: string } = {},
): Promise<{ files: string[]; warnings: string[] }> {
  const { runs, warnings } = await readRuns(reportsDir);
  const archives = await readArchives(reportsDir);
  const model = buildTrendModel(runs, {
    archived: archives.runs,
    warnings: [...archives.warnings, ...warnings].map((w) => w.message),
  });
  return withReportsLock(reportsDir, async () => {
    const files: string[] = [];
    const chartsDir = path.join(reportsDir, "charts");
    const wanted = new Set(model.series.map(chartFileName));
    for (const series of model.series) {
      const file = path.join(chartsDir, chartFileName(series));
      await writeFileAtomic(file, renderSvgChart(series));
      files.push(file);
    }
    const existing = await readdir(chartsDir).catch(() => [] as string[]);
    for (const name of existing) {
      if (name.endsWith(".svg") && !wanted.has(name))
        await rm(path.join(chartsDir, name), { force: true });
    }
    await writeFileAtomic(path.join(reportsDir, "TRENDS.md"), renderTrendsMarkdown(model));
    const dashboard = buildDashboardModel(runs, {
      warnings: model.warnings,
      ...(options.commitUrl ? { commitUrl: options.commitUrl } : {}),
    });
    await writeFileAtomic(path.join(reportsDir, "index.html"), renderDashboardHtml(dashboard));
    files.push(path.join(reportsDir, "TRENDS.md"), path.join(reportsDir, "index.html"));
    return { files, warnings: model.warnings };
  });
}
