import hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { summarizeHdr } from "./_hdr.ts";

function encode(values: number[]): string {
  const histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const value of values) histogram.recordValue(value);
  const encoded = hdr.encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

describe("summarizeHdr", () => {
  it("summarizes µs recordings in ms, with MAD from the buckets", () => {
    const summary = summarizeHdr(encode([1000, 2000, 3000, 4000, 100_000]));
    expect(summary).toBeDefined();
    expect(summary?.n).toBe(5);
    expect(summary?.min).toBe(1);
    // HDR reports the highest equivalent value of a bucket: 3000 µs sits in [3000, 3001].
    expect(summary?.median).toBeCloseTo(3, 2);
    // Deviations from the median: 2000, 1000, 0, 1000, 97000 µs -> median 1000 µs.
    expect(summary?.mad).toBeCloseTo(1, 2);
    // 3 significant digits: 100 ms is stored within 0.1%.
    expect(summary?.max).toBeGreaterThanOrEqual(100);
    expect(summary?.max).toBeLessThan(100.1);
    expect(summary?.mean).toBeCloseTo(22, 0);
  });

  it("returns undefined for an empty histogram", () => {
    expect(summarizeHdr(encode([]))).toBeUndefined();
  });

  it("gives MAD 0 when all values are equal", () => {
    expect(summarizeHdr(encode([500, 500, 500]))).toMatchObject({ median: 0.5, mad: 0, p99: 0.5 });
  });
});
