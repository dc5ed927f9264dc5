import hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import type { InstanceSummary } from "./merge.ts";
import { mergeSummaries } from "./merge.ts";
import { judgeMergedThresholds } from "./merge-thresholds.ts";

function histogramOf(values: number[]): string {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true });
  for (const v of values) h.recordValue(Math.round(v * 1000));
  const encoded = hdr.encodeIntoCompressedBase64(h);
  h.destroy();
  return encoded;
}

/** A runner's export: 100 iterations, durations `values`, each rule judged on its own share. */
function runner(values: number[], failedOwn: boolean): InstanceSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    summary: {
      metrics: {
        iterations: { count: values.length, rate: 10, thresholds: { "count>150": failedOwn } },
        http_req_duration: {
          avg: values.reduce((a, b) => a + b, 0) / values.length,
          min: sorted[0] as number,
          med: sorted[Math.floor(values.length / 2)] as number,
          max: sorted[values.length - 1] as number,
          "p(90)": 0,
          "p(95)": 0,
          count: values.length,
          thresholds: { "p(99.9)<50": false, "avg<1": false },
        },
        http_req_failed: {
          passes: 0,
          fails: values.length,
          value: 0,
          thresholds: { "rate<0.01": false },
        },
      },
    },
    histograms: { http_req_duration: histogramOf(values) },
  };
}

describe("judgeMergedThresholds", () => {
  it("judges the runners' rules on the merged values, percentiles from the merged histogram", () => {
    const fast = Array.from({ length: 100 }, (_, i) => 1 + i / 100);
    const slow = Array.from({ length: 100 }, (_, i) => 60 + i);
    const parts = [runner(fast, true), runner(slow, true)];
    const { summary, thresholds } = judgeMergedThresholds(parts, mergeSummaries(parts));
    const byRule = Object.fromEntries(thresholds.map((t) => [`${t.metric} ${t.rule}`, t]));
    // Each runner saw 100 and failed count>150; together they ran 200.
    expect(byRule["iterations count>150"]).toMatchObject({ failed: false, actual: 200 });
    // p(99.9) is not exported: it comes from the merged histogram (the slow runner's tail).
    expect(byRule["http_req_duration p(99.9)<50"]?.failed).toBe(true);
    expect(byRule["http_req_duration p(99.9)<50"]?.actual).toBeGreaterThan(150);
    expect(byRule["http_req_duration avg<1"]?.failed).toBe(true);
    // A rate rule reads the export's `value`.
    expect(byRule["http_req_failed rate<0.01"]).toMatchObject({ failed: false, actual: 0 });
    // k6's legacy shape is put back: `true` means failed.
    expect(summary.summary.metrics.iterations?.thresholds).toEqual({ "count>150": false });
    expect(summary.summary.metrics.http_req_duration?.thresholds).toEqual({
      "avg<1": true,
      "p(99.9)<50": true,
    });
  });

  it("leaves metrics without rules untouched", () => {
    const part: InstanceSummary = {
      summary: { metrics: { data_sent: { count: 5, rate: 1 } } },
      histograms: {},
    };
    const { summary, thresholds } = judgeMergedThresholds([part], mergeSummaries([part]));
    expect(thresholds).toEqual([]);
    expect(summary.summary.metrics.data_sent).toEqual({ count: 5, rate: 1 });
  });
});
