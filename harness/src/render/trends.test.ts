import { describe, expect, it } from "vitest";
import { makeRuns } from "../../test/fixtures/trends/make-runs.ts";
import { expectGolden } from "../../test/golden.ts";
import { buildDashboardModel } from "../report/dashboard.ts";
import { buildTrendModel } from "../report/trends.ts";
import { renderDashboardHtml } from "./dashboard-html.ts";
import { renderSparkline } from "./sparkline.ts";
import { renderSvgChart } from "./svg-chart.ts";
import { renderTrendsMarkdown } from "./trends-markdown.ts";

const model = buildTrendModel(makeRuns(40, 25), { window: 30 });

describe("trend renderers", () => {
  it("TRENDS.md matches its golden file and names the commit where the level shifted", () => {
    const markdown = renderTrendsMarkdown(model);
    expectGolden("render/TRENDS.md", markdown);
    expect(markdown).toMatch(/smoke · http_req_duration\*\*: \+\d+\.\d% starting at `abc0019`/);
  });

  it("the SVG chart has one point per run and marks the change point", () => {
    const series = model.series.find((s) => s.metric === "http_req_duration");
    expect(series).toBeDefined();
    const svg = renderSvgChart(series as NonNullable<typeof series>);
    expectGolden("render/chart-http_req_duration.svg", svg);
    expect(svg.match(/<circle class="point"/g)).toHaveLength(30);
    expect(svg).toContain('class="change-point"');
  });

  it("the dashboard matches its golden file and loads nothing from the network", () => {
    const html = renderDashboardHtml(buildDashboardModel(makeRuns(40, 25)));
    expectGolden("render/index.html", html);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("the dashboard plots the gated p95 with its threshold and marks the level shift", () => {
    const dashboard = buildDashboardModel(makeRuns(40, 25), {
      commitUrl: "https://github.com/o/r/commit/",
    });
    const chart = dashboard.profiles[0]?.sections[0]?.charts[0];
    expect(chart?.metric).toBe("http_req_duration");
    expect(chart?.statistic).toBe("p95");
    expect(chart?.thresholds).toEqual([{ value: 500, label: "p(95)<500", statistic: "p95" }]);
    expect(chart?.changePoints[0]?.shortSha).toBe("abc0019");
    const html = renderDashboardHtml(dashboard);
    expect(html).toContain('<a class="change-point" href="https://github.com/o/r/commit/abc0019">');
  });

  it("gives each change its percentage beside the noise band it must clear", () => {
    const markdown = renderTrendsMarkdown(model);
    expect(markdown).toMatch(/http_reqs_rate.* \| (≈|✅|🔻) [+−]\d+\.\d% \(noise ±\d+\.\d%\) \|/);
    const [last, ...rest] = makeRuns(12, 99).reverse();
    const lastRun = last as NonNullable<typeof last>;
    for (const suite of lastRun.suites)
      for (const metric of suite.metrics) if (metric.value) metric.value *= 0.05;
    const dropped = buildTrendModel([...rest.reverse(), lastRun]);
    const rate = dropped.series.find((s) => s.metric === "http_reqs_rate");
    expect(rate?.change).toBe("worse");
    expect(rate?.changePct).toBeCloseTo(-95, 0);
  });

  it("labels changes by direction", () => {
    const rate = model.series.find((s) => s.metric === "http_reqs_rate");
    expect(["better", "worse", "same"]).toContain(rate?.change);
    expect(buildTrendModel(makeRuns(1, 99)).series[0]?.change).toBe("new");
  });

  it("draws sparklines scaled to the series", () => {
    expect(renderSparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe("▁▂▃▄▅▆▇█");
    expect(renderSparkline([5, 5])).toBe("▄▄");
    expect(renderSparkline([])).toBe("");
  });

  it("renders an empty history without failing", () => {
    const empty = buildTrendModel([]);
    expect(renderTrendsMarkdown(empty)).toContain("No runs yet");
    expect(renderDashboardHtml(buildDashboardModel([]))).toContain("No runs yet");
  });
});
