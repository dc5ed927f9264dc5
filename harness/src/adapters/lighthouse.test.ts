import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { normalizeLighthouse } from "./lighthouse.ts";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      path.join(import.meta.dirname, "../../test/fixtures/raw/lighthouse", name),
      "utf8",
    ),
  );
const pages = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../../lhci/pages.json"), "utf8"),
).pages;

describe("normalizeLighthouse on real Lighthouse 12 results", () => {
  it("matches the golden suites, one per page", () => {
    const normalized = normalizeLighthouse(
      { lhrs: fixture("lhrs-trimmed.json"), assertions: [] },
      pages,
    );
    expect(normalized.suites.map((s) => s.id)).toEqual(["home", "search", "dashboard"]);
    expectGolden("adapters/lighthouse-pages.json", `${JSON.stringify(normalized, null, 2)}\n`);
  });

  it("picks the median run by performance score and keeps every run as samples", () => {
    const lhrs = fixture("lhrs-trimmed.json");
    const home = lhrs[0];
    const runs = [0.91, 0.99, 0.95].map((score) => ({
      ...home,
      categories: { performance: { score } },
    }));
    const [suite] = normalizeLighthouse({ lhrs: runs, assertions: [] }, pages).suites;
    const score = suite?.metrics.find((m) => m.id === "performance_score");
    expect(score?.value).toBe(0.95);
    expect(score?.samples).toEqual([0.91, 0.99, 0.95]);
  });

  it("turns failed LHCI assertions into verdicts naming the budget and the page", () => {
    const { verdicts } = normalizeLighthouse(
      { lhrs: fixture("lhrs-trimmed.json"), assertions: fixture("assertion-results-fail.json") },
      pages,
    );
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatchObject({
      suite: "dashboard",
      metric: "categories:performance",
      source: "lhci",
      status: "fail",
      level: "error",
    });
    expect(verdicts[1]?.message).toBe(
      "/dashboard: total-blocking-time over budget (maxNumericValue <= 300, actual 1099)",
    );
  });

  it("reports a noisy budget with its spread over the runs and never fails the run on it", () => {
    const lhrs = fixture("lhrs-trimmed.json");
    const dashboard = lhrs[2];
    const runs = [1099, 850, 1402].map((tbt, i) => ({
      ...dashboard,
      categories: { performance: { score: [0.77, 0.81, 0.7][i] } },
      audits: { ...dashboard.audits, "total-blocking-time": { numericValue: tbt } },
    }));
    const { verdicts } = normalizeLighthouse(
      { lhrs: runs, assertions: fixture("assertion-results-fail.json") },
      pages,
      { noisy: ["total-blocking-time"] },
    );
    // categories:performance is not listed as noisy here: it still gates.
    expect(verdicts[0]).toMatchObject({ metric: "categories:performance", level: "error" });
    expect(verdicts[1]).toMatchObject({
      metric: "total-blocking-time",
      level: "warn",
      status: "fail",
      evidence: { gated: false, runs: 3, min: 850, median: 1099, max: 1402 },
    });
    expect(verdicts[1]?.message).toBe(
      "/dashboard: total-blocking-time over budget (maxNumericValue <= 300, actual 1099; over 3 run(s) 850–1402, median 1099); noisy under CPU load: reported, not gated",
    );
  });

  it("records each run's benchmarkIndex, multiplier and foreign load as the suite's calibration", () => {
    const home = fixture("lhrs-trimmed.json")[0];
    const runs = [
      [2000, 4],
      [1000, 2],
    ].map(([benchmarkIndex, cpuSlowdownMultiplier]) => ({
      ...home,
      environment: { benchmarkIndex },
      configSettings: { throttling: { cpuSlowdownMultiplier } },
    }));
    const [suite] = normalizeLighthouse(
      { lhrs: runs, assertions: [], runs: [{ foreignCores: 0 }, { foreignCores: 1.5 }] },
      pages,
      {
        calibration: { targetBenchmarkIndex: 500, minMultiplier: 1, maxMultiplier: 8 },
        noisy: ["categories:performance", "total-blocking-time"],
      },
    ).suites;
    expect(suite?.calibration).toEqual({
      method: "benchmark-index",
      targetBenchmarkIndex: 500,
      minMultiplier: 1,
      maxMultiplier: 8,
      runs: [
        { benchmarkIndex: 2000, cpuSlowdownMultiplier: 4, foreignCores: 0 },
        { benchmarkIndex: 1000, cpuSlowdownMultiplier: 2, foreignCores: 1.5 },
      ],
      ungated: ["performance_score", "tbt"],
    });
    // Results without a benchmarkIndex (trimmed, or ingested from elsewhere) record none.
    expect(
      normalizeLighthouse({ lhrs: [home], assertions: [] }, pages).suites[0],
    ).not.toHaveProperty("calibration");
  });

  it("names the run that is not a Lighthouse result", () => {
    expect(() => normalizeLighthouse({ lhrs: [{ nope: 1 }], assertions: [] }, pages)).toThrow(
      /lhr #0: not a Lighthouse result\n {2}requestedUrl/,
    );
  });
});
