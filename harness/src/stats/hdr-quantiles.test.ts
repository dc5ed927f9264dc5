import hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { hdrQuantiles, mergeHdr } from "./hdr-quantiles.ts";

/** Histogram of `values` recorded in thousandths (µs for ms values). */
function encode(valuesInUnit: number[]): string {
  const histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const value of valuesInUnit) histogram.recordValue(Math.round(value * 1000));
  const encoded = hdr.encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

// Below 2048 recorded units every value has its own bucket, so these quantiles are exact.
describe("hdrQuantiles", () => {
  it("returns nearest-rank quantiles in the metric's unit", () => {
    // 100 values 0.01, 0.02, … 1.00 ms (10 … 1000 µs).
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
    // HDR percentile p: the smallest value with at least p% of the count at or below it:
    // p50 -> 50th value 0.5; p95 -> 95th 0.95; p99 -> 0.99; p100 -> 1.0; p0 -> min 0.01.
    expect(hdrQuantiles(encode(values), [0.5, 0.95, 0.99, 1, 0])).toEqual([
      0.5, 0.95, 0.99, 1, 0.01,
    ]);
  });

  it("keeps 3 significant digits above the exact range", () => {
    // 250 ms = 250000 µs lies in a bucket 128 µs wide; HDR reports the bucket's top.
    const [p50] = hdrQuantiles(encode([250, 250, 250]), [0.5]);
    expect(p50).toBeGreaterThanOrEqual(250);
    expect(p50).toBeLessThan(250 * 1.001);
  });

  it("rejects empty histograms, bad p and garbage", () => {
    expect(() => hdrQuantiles(encode([]), [0.5])).toThrow(/empty/);
    expect(() => hdrQuantiles(encode([1]), [95])).toThrow(RangeError);
    expect(() => hdrQuantiles("not a histogram", [0.5])).toThrow(RangeError);
  });
});

describe("mergeHdr", () => {
  it("sums the recordings of every input", () => {
    const a = encode([0.1, 0.2, 0.3]);
    const b = encode([1, 1.5]);
    const c = encode([0.05]);
    const merged = mergeHdr([a, b, c]);
    const decoded = hdr.decodeFromCompressedBase64(merged);
    expect(decoded.totalCount).toBe(6);
    decoded.destroy();
    // Pooled sorted: 0.05, 0.1, 0.2, 0.3, 1, 1.5 -> p50 is the 3rd value, max 1.5, min 0.05.
    expect(hdrQuantiles(merged, [0.5, 1, 0])).toEqual([0.2, 1.5, 0.05]);
  });

  it("equals the histogram of the pooled values", () => {
    const parts = [
      [0.4, 0.9, 1.2],
      [0.3, 2.0, 2.0, 0.7],
    ];
    const ps = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
    expect(hdrQuantiles(mergeHdr(parts.map(encode)), ps)).toEqual(
      hdrQuantiles(encode(parts.flat()), ps),
    );
  });

  it("gives an empty histogram for no inputs and rejects garbage", () => {
    expect(() => hdrQuantiles(mergeHdr([]), [0.5])).toThrow(/empty/);
    expect(() => mergeHdr([encode([1]), "%%%"])).toThrow(/histogram 1/);
  });
});
