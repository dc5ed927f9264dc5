import hdr from "hdr-histogram-js";
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
    for (const stat of ["count", "min", "max"]) {
      expect(got.http_req_duration?.[stat], stat).toBe(expected.http_req_duration?.[stat]);
    }
    // Percentiles: exactly those of the whole run's histogram; a single engine reports k6's
    // interpolation on its exact values, which the histogram matches to 3 significant digits.
    const wholeHistogram = hdr.decodeFromCompressedBase64(
      whole.histograms.http_req_duration as string,
    );
    for (const [stat, p] of [
      ["med", 50],
      ["p(90)", 90],
      ["p(95)", 95],
      ["p(99)", 99],
    ] as const) {
      const value = got.http_req_duration?.[stat] as number;
      expect(value, stat).toBe(wholeHistogram.getValueAtPercentile(p) / 1000);
      const exact = expected.http_req_duration?.[stat] as number;
      expect(Math.abs(value - exact) / exact, stat).toBeLessThanOrEqual(1e-3);
    }
    wholeHistogram.destroy();
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
