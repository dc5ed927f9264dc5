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

  it("names the run that is not a Lighthouse result", () => {
    expect(() => normalizeLighthouse({ lhrs: [{ nope: 1 }], assertions: [] }, pages)).toThrow(
      /lhr #0: not a Lighthouse result\n {2}requestedUrl/,
    );
  });
});
