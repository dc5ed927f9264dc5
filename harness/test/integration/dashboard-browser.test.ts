import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRuns } from "../../src/history/run-store.ts";
import { renderDashboardHtml } from "../../src/render/dashboard-html.ts";
import { buildDashboardModel, type DashboardModel } from "../../src/report/dashboard.ts";
import { verdictMetricId } from "../../src/report/headline.ts";
import { thresholdLines } from "../../src/report/thresholds.ts";
import type { RunResult } from "../../src/schema/index.ts";
import { chromePath, launchChromium } from "../chromium.ts";
import { makeRuns } from "../fixtures/trends/make-runs.ts";

const repo = path.resolve(import.meta.dirname, "../../..");
/** Test artifacts (gitignored): the pages under test and their screenshots. */
const artifacts = path.join(repo, ".perf", "artifacts", "dashboard");

let browser: Browser;
let runs: RunResult[];
let model: DashboardModel;

async function open(name: string, dashboard: DashboardModel): Promise<Page> {
  const file = path.join(artifacts, `${name}.html`);
  await writeFile(file, renderDashboardHtml(dashboard));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`file://${file}`);
  return page;
}

beforeAll(async () => {
  if (!chromePath) return;
  await mkdir(artifacts, { recursive: true });
  runs = (await readRuns(path.join(repo, "reports"))).runs;
  model = buildDashboardModel(runs);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!chromePath)("the dashboard built from the committed runs, in Chromium", () => {
  it("shows the summary first and names the biggest change in it", async () => {
    const page = await open("committed", model);
    await page.screenshot({ path: path.join(artifacts, "dashboard.png") });
    const view = page.locator(`.profile[data-profile="${model.defaultProfile}"]`);
    const summaryTop = (await view.locator(".summary").boundingBox())?.y ?? Number.NaN;
    const firstChartTop = (await view.locator("figure").first().boundingBox())?.y ?? Number.NaN;
    expect(summaryTop).toBeLessThan(firstChartTop);
    // Nothing but the header sits above the summary.
    const above = await page.evaluate(
      (top) =>
        [...document.querySelectorAll("main *")].filter((el) => {
          const box = el.getBoundingClientRect();
          return box.height > 0 && box.bottom <= top;
        }).length,
      summaryTop,
    );
    expect(above).toBe(0);
    // The biggest |change| of every row in the summary's tables (folded ones too) is the named one.
    const rows = await view.locator(".summary tr[class]").evaluateAll((trs) =>
      trs.map((tr) => ({
        metric: tr.querySelector("a")?.textContent ?? "",
        change: Number((tr.children[2]?.textContent ?? "").replace("−", "-").replace("%", "")),
      })),
    );
    expect(rows.length).toBeGreaterThan(0);
    const biggest = rows.reduce((a, b) => (Math.abs(b.change) > Math.abs(a.change) ? b : a));
    const named = await view.locator(".summary .biggest b").textContent();
    expect(named).toContain(biggest.metric);
    // In the committed history that is the smoke p95 measured under a load average of 20.
    expect(named).toContain("smoke · http_req_duration");
    await expect(view.locator(".summary").textContent()).resolves.toContain("foreign-load");
    await page.close();
  });

  it("labels both axes of every chart, the y-axis with its unit", async () => {
    const page = await open("committed-axes", model);
    const charts = await page.locator("svg.chart").evaluateAll((svgs) =>
      svgs.map((svg) => ({
        label: svg.getAttribute("aria-label") ?? "",
        x: svg.querySelector(".x-axis-title")?.textContent ?? "",
        y: svg.querySelector(".y-axis-title")?.textContent ?? "",
        xTicks: svg.querySelectorAll(".x-tick").length,
        yTicks: [...svg.querySelectorAll(".y-tick")].map((t) => t.textContent ?? ""),
      })),
    );
    const total = model.profiles.reduce(
      (n, p) => n + p.sections.reduce((m, s) => m + s.charts.length, 0),
      0,
    );
    expect(charts).toHaveLength(total);
    const ids = await page.locator("[id]").evaluateAll((els) => els.map((el) => el.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const chart of charts) {
      expect(chart.x, chart.label).toBe("run start (UTC) · commit");
      expect(chart.y, chart.label).toMatch(/^(value|p50|p90|p95|p99) \([^)]+\)$/);
      expect(chart.xTicks, chart.label).toBeGreaterThan(0);
      expect(chart.yTicks.length, chart.label).toBeGreaterThanOrEqual(2);
    }
    await page.close();
  });

  it("draws a threshold line on every chart whose metric has a threshold or budget", async () => {
    const page = await open("committed-thresholds", model);
    let checked = 0;
    for (const view of model.profiles) {
      const head = runs.filter((r) => r.profile === view.profile && r.status === "complete").at(-1);
      for (const verdict of head?.verdicts ?? []) {
        const suite = head?.suites.find((s) => s.id === verdict.suite);
        const metric = suite?.metrics.find((m) => m.id === verdictMetricId(verdict));
        if (!suite || !metric || thresholdLines(verdict, metric.unit).length === 0) continue;
        const key = `${suite.kind}/${suite.id}/${metric.id}`;
        const chart = view.sections.flatMap((s) => s.charts).find((c) => c.key === key);
        // A p(99) rule on a chart of the p95 its other rule gates is listed, not drawn.
        if (chart?.thresholds.every((t) => t.label !== verdict.rule)) continue;
        const lines = page.locator(
          `.profile[data-profile="${view.profile}"] figure[data-key="${key}"] g.threshold`,
        );
        expect(await lines.count(), key).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    await page.close();
  });

  it("marks change points, linking to their commit (committed runs and a history with a shift)", async () => {
    const committed = await open("committed-change-points", model);
    for (const view of model.profiles)
      for (const chart of view.sections.flatMap((s) => s.charts)) {
        const marks = committed.locator(
          `.profile[data-profile="${view.profile}"] figure[data-key="${chart.key}"] .change-point`,
        );
        expect(await marks.count(), chart.key).toBe(chart.changePoints.length);
      }
    await committed.close();
    const shifted = buildDashboardModel(makeRuns(40, 25), {
      commitUrl: "https://github.com/example/perfgate/commit/",
    });
    const page = await open("shifted", shifted);
    const mark = page.locator('figure[data-key="load/smoke/http_req_duration"] a.change-point');
    expect(await mark.count()).toBe(1);
    expect(await mark.getAttribute("href")).toBe(
      "https://github.com/example/perfgate/commit/abc0019",
    );
    await mark.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, "dashboard-change-point.png") });
    await page.close();
  });
});
