import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Metric, RunResult } from "../schema/index.ts";
import { fitRunBudget } from "./run-budget.ts";

const minimal = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json"), "utf8"),
) as RunResult;

/** The minimal run with a soak's worth of histograms: `sizes` kB each, under these metric ids. */
function withHistograms(sizes: Record<string, number>): RunResult {
  const run = structuredClone(minimal);
  const suite = run.suites[0];
  if (!suite) throw new Error("fixture has no suite");
  for (const [id, kb] of Object.entries(sizes)) {
    const hdr = "A".repeat(kb * 1024);
    const existing = suite.metrics.find((m) => m.id === id);
    if (existing) existing.hdr = hdr;
    else suite.metrics.push({ id, unit: "ms", direction: "lower", hdr } satisfies Metric);
  }
  return run;
}

function hdrIds(run: RunResult): string[] {
  return run.suites.flatMap((s) => s.metrics.filter((m) => m.hdr).map((m) => m.id));
}

describe("fitRunBudget", () => {
  it("leaves a run within budget untouched", () => {
    const run = withHistograms({ http_req_duration: 9, http_req_waiting: 9 });
    expect(fitRunBudget(run)).toBe(run);
  });

  it("drops the largest histograms first, the request latency's last, and says which", () => {
    const run = withHistograms({
      http_req_duration: 12,
      http_req_waiting: 11,
      iteration_duration: 10,
      schedule_lag: 8,
      http_req_receiving: 2,
      group_duration: 9,
    });
    const fitted = fitRunBudget(run, 32 * 1024);
    expect(hdrIds(fitted)).toEqual(["http_req_duration", "schedule_lag", "http_req_receiving"]);
    expect(Buffer.byteLength(`${JSON.stringify(fitted)}\n`)).toBeLessThanOrEqual(32 * 1024);
    expect(fitted.warnings.at(-1)).toMatchObject({ code: "over-budget" });
    expect(fitted.warnings.at(-1)?.message).toContain(
      "dropped the histograms of smoke/http_req_waiting, smoke/iteration_duration, smoke/group_duration",
    );
    // The input is not modified: the caller may still hold it.
    expect(hdrIds(run)).toHaveLength(6);
  });

  it("keeps a run that no dropping can fit whole, and says so", () => {
    const run = withHistograms({ http_req_duration: 4 });
    run.suites[0]?.metrics.push({
      id: "note",
      unit: "count",
      direction: "lower",
      tags: { text: "x".repeat(60_000) },
    });
    const fitted = fitRunBudget(run);
    expect(hdrIds(fitted)).toEqual([]);
    expect(fitted.suites[0]?.metrics.find((m) => m.id === "note")).toBeDefined();
    expect(fitted.warnings.at(-1)?.message).toMatch(/still .* KB, kept whole/);
  });
});
