import { describe, expect, it } from "vitest";
import { mergeSummaries } from "./merge.ts";
import { Registry } from "./metrics.ts";
import { newGroup } from "./state.ts";
import { buildSummaryData, encodeHistograms, toLegacyExport } from "./summary.ts";

const STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

function exportOf(values: number[]) {
  const registry = new Registry();
  for (const v of values) {
    registry.add("http_req_duration", v, {});
    registry.add("http_reqs", 1, {});
    registry.add("http_req_failed", v > 90 ? 1 : 0, {});
  }
  const data = buildSummaryData({
    registry,
    rootGroup: newGroup("", ""),
    thresholds: [],
    failed: new Set(),
    trendStats: STATS,
    durationMs: 10_000,
    setupData: undefined,
    noColor: true,
  });
  return { summary: toLegacyExport(data) as never, histograms: encodeHistograms(registry) };
}

describe("mergeSummaries", () => {
  it("merges two instances exactly as if one engine had seen every sample", () => {
    const all = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 997) / 10);
    const whole = exportOf(all);
    const merged = mergeSummaries([
      exportOf(all.filter((_, i) => i % 3 === 0)),
      exportOf(all.filter((_, i) => i % 3 !== 0)),
    ]);
    const expected = (whole.summary as { metrics: Record<string, Record<string, number>> }).metrics;
    const got = merged.summary.metrics as Record<string, Record<string, number>>;
    for (const stat of ["med", "p(90)", "p(95)", "p(99)", "count", "min", "max"]) {
      expect(got.http_req_duration?.[stat], stat).toBe(expected.http_req_duration?.[stat]);
    }
    expect(got.http_req_duration?.avg).toBeCloseTo(expected.http_req_duration?.avg ?? 0, 9);
    expect(got.http_reqs).toEqual({ count: 1000, rate: 100 });
    expect(got.http_req_failed).toEqual({
      passes: expected.http_req_failed?.passes,
      fails: expected.http_req_failed?.fails,
      value: expected.http_req_failed?.value,
    });
    // The merged histogram is written out too, so merges can be merged again.
    expect(Object.keys(merged.histograms)).toEqual(Object.keys(whole.histograms));
  });
});
