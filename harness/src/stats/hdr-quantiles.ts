/**
 * Quantiles and merging of HDR histograms in hdr-histogram-js's compressed base64 form, as the
 * adapters store them: values recorded in thousandths of the metric's unit (µs for a ms metric).
 * Pure: the JS histograms are built in memory (WebAssembly is never initialised) and released.
 */
import hdr from "hdr-histogram-js";

/** Recorded units per metric unit. */
const SCALE = 1000;

function decode(encoded: string, index: number): hdr.Histogram {
  try {
    return hdr.decodeFromCompressedBase64(encoded);
  } catch (cause) {
    throw new RangeError(`HDR histogram ${index} is not a valid compressed base64 histogram`, {
      cause,
    });
  }
}

/**
 * Sum of histograms (every recorded value of every input), re-encoded. Merging histograms of the
 * processes of one side gives that side's pooled latency distribution without losing tails.
 * An empty list gives an empty histogram.
 *
 * @throws RangeError when an input does not decode.
 */
export function mergeHdr(encoded: readonly string[]): string {
  const merged = hdr.build({ numberOfSignificantValueDigits: 3 });
  try {
    encoded.forEach((text, index) => {
      const histogram = decode(text, index);
      try {
        merged.add(histogram);
      } finally {
        histogram.destroy();
      }
    });
    return hdr.encodeIntoCompressedBase64(merged);
  } finally {
    merged.destroy();
  }
}

/**
 * Quantiles of a histogram in the metric's unit (recorded value / 1000), for probabilities in
 * [0, 1] (0.95 = p95). HDR semantics: the value at or below which the share p of recordings
 * fall, reported as the highest value equivalent to its bucket (3 significant digits).
 *
 * @throws RangeError for an invalid or empty histogram, or a p outside [0, 1].
 */
export function hdrQuantiles(encoded: string, ps: readonly number[]): number[] {
  ps.forEach((p, i) => {
    if (!(p >= 0 && p <= 1))
      throw new RangeError(`HDR quantile ${i}: p must be in [0, 1], got ${p}`);
  });
  const histogram = decode(encoded, 0);
  try {
    if (histogram.totalCount === 0) throw new RangeError("HDR quantiles of an empty histogram");
    return ps.map((p) => histogram.getValueAtPercentile(p * 100) / SCALE);
  } finally {
    histogram.destroy();
  }
}
