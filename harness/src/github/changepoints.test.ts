import { describe, expect, it } from "vitest";
import { makeRuns } from "../../test/fixtures/trends/make-runs.ts";
import { buildTrendModel } from "../report/trends.ts";
import { changepointNotices } from "./changepoints.ts";

describe("changepointNotices", () => {
  it("opens one notice at the commit where latency got worse", () => {
    // 40 main runs, +10% p50 latency from run 25 (sha abc0019) on; the rate stays flat.
    const model = buildTrendModel(makeRuns(40, 25));
    const notices = changepointNotices(model, { trends: "reports/TRENDS.md", run: "https://run" });
    expect(notices.map((n) => [n.key, n.title])).toEqual([
      ["commit-abc0019", "perfgate: performance level shift on main at abc0019"],
    ]);
    expect(notices[0]?.markdown).toMatch(
      /^perfgate's change-point detection found a level shift on `main` starting at commit `abc0019` \(run 20261101T002500Z_abc0019\)\.\n/,
    );
    expect(notices[0]?.markdown).toMatch(/\| \+\d+\.\d% \| 🔻 worse \| 0\.\d{3} \|/);
    expect(notices[0]?.markdown).toContain("Trends: reports/TRENDS.md · Found by: https://run");
  });

  it("opens nothing for an improvement or a flat series", () => {
    const improved = buildTrendModel(makeRuns(40, 25));
    for (const series of improved.series) series.direction = "higher";
    expect(changepointNotices(improved)).toEqual([]);
    expect(changepointNotices(buildTrendModel(makeRuns(40, 99)))).toEqual([]);
  });
});
