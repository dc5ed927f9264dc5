import hdr from "hdr-histogram-js";
import type { Summary } from "../schema/index.ts";

/**
 * Summary of a base64 HDR histogram recorded in thousandths of the metric's unit (µs for a ms
 * metric). MAD comes from the histogram's own buckets, so it is exact to the histogram's precision.
 */
export function summarizeHdr(encoded: string): Summary | undefined {
  const histogram = hdr.decodeFromCompressedBase64(encoded);
  try {
    const n = histogram.totalCount;
    if (n === 0) return undefined;
    const scale = (value: number) => value / 1000;
    const median = histogram.getValueAtPercentile(50);
    const deviations = hdr.build({ numberOfSignificantValueDigits: 3 });
    for (const [value, count] of recordedValues(histogram)) {
      deviations.recordValueWithCount(Math.abs(value - median), count);
    }
    const mad = deviations.getValueAtPercentile(50);
    deviations.destroy();
    return {
      n,
      min: scale(
        histogram.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : histogram.minNonZeroValue,
      ),
      median: scale(median),
      p90: scale(histogram.getValueAtPercentile(90)),
      p95: scale(histogram.getValueAtPercentile(95)),
      p99: scale(histogram.getValueAtPercentile(99)),
      max: scale(histogram.maxValue),
      mad: scale(mad),
      mean: scale(histogram.mean),
    };
  } finally {
    histogram.destroy();
  }
}

/** [value, count] of every non-empty bucket, at the bucket's median-equivalent value. */
function* recordedValues(histogram: hdr.Histogram): Generator<[number, number]> {
  // decodeFromCompressedBase64 builds a JS histogram (WebAssembly is never initialised here).
  const js = histogram as unknown as hdr.JsHistogram;
  const iterator = js.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    yield [js.medianEquivalentValue(step.valueIteratedTo), step.countAtValueIteratedTo];
  }
}
