import type { Metric, QualityWarning, Suite } from "../schema/index.ts";
import { type TheilSen, theilSen } from "../stats/index.ts";
import { median, significant, summarize } from "./microbench-summary.ts";

/** One reading of the app's `/debug/memory`, taken right after a full GC in the app. */
export interface MemorySample {
  /** Milliseconds since sampling started. */
  tMs: number;
  heapUsedAfterGc: number;
  rss: number;
  /** ArrayBuffer and Buffer backing stores: off the JS heap, so heapUsed never shows them. */
  arrayBuffers: number;
  external: number;
  /** What the app's bounded caches hold by their own accounting (LRU bytes), 0 if unknown. */
  cacheBytes?: number;
}

/** What the memory stage saves as `raw/memory/samples.json`. */
export interface MemoryRaw {
  intervalMs: number;
  samples: MemorySample[];
  failedPolls?: number;
  truncated?: boolean;
  /** RSS of the load generator's process (the scenario's engine or k6), read from outside. */
  generator?: GeneratorSample[];
}

/** One reading of the load generator's RSS. */
export interface GeneratorSample {
  /** Milliseconds since the generator started. */
  tMs: number;
  rss: number;
}

/**
 * Generator growth is measured from this point (its VUs, connections and histograms are set up
 * by then), to the median of the last window of the same length.
 */
export const GENERATOR_BASELINE_MS = 30_000;

/** The first 20% of the samples are warm-up (caches and pools filling), not the steady phase. */
export const WARMUP_FRACTION = 0.2;
/** Fewer steady samples than this give an interval too wide to judge a leak by. */
export const MIN_STEADY_SAMPLES = 8;

const MB = 1024 * 1024;

/** The samples after the warm-up fraction. */
export function steadyPhase(
  samples: readonly MemorySample[],
  warmupFraction = WARMUP_FRACTION,
): MemorySample[] {
  return samples.slice(Math.floor(samples.length * warmupFraction));
}

/**
 * What a leak grows: the JS heap after GC plus ArrayBuffer backing stores (a leak of Buffers, the
 * classic kept-request-body leak, is invisible in heapUsed alone), minus what the app's bounded
 * caches hold by their own accounting: a cache filling up over a short run is growth by design,
 * capped by the same number, and would otherwise read as a leak.
 */
export function retainedBytes(sample: MemorySample): number {
  return sample.heapUsedAfterGc + sample.arrayBuffers - (sample.cacheBytes ?? 0);
}

export interface NormalizeMemoryInput {
  /** Suite id, e.g. `memory`. */
  id: string;
  raw: MemoryRaw;
  /** Confidence of the slope's interval (default 0.95). */
  confidence?: number;
  tool?: { name: string; version: string };
}

function slopeMetric(id: string, series: string, fit: TheilSen, confidence: number): Metric {
  return {
    id,
    unit: "MB/min",
    direction: "lower",
    value: significant(fit.slope, 4),
    tags: {
      series,
      ci_low: String(significant(fit.low, 4)),
      ci_high: String(significant(fit.high, 4)),
      confidence: String(confidence),
      n: String(fit.n),
    },
  };
}

/**
 * The generator's RSS after its warm-up (MB summary) and its growth: the median of the last
 * 30 s against the median of 30–60 s, in percent. Flat memory however long the run is a goal
 * of the engine (HDR histograms, no per-request retention); a soak is where it shows.
 */
function generatorMetrics(samples: readonly GeneratorSample[]): Metric[] {
  const after = samples.filter((s) => s.tMs >= GENERATOR_BASELINE_MS);
  const last = after.at(-1);
  if (!last) return [];
  const metrics: Metric[] = [
    mbSummary(
      "generator_rss",
      after.map((s) => s.rss),
    ),
  ];
  const window = GENERATOR_BASELINE_MS;
  if (last.tMs < GENERATOR_BASELINE_MS + 2 * window) return metrics;
  const baseline = median(
    after.filter((s) => s.tMs < GENERATOR_BASELINE_MS + window).map((s) => s.rss),
  );
  const end = median(after.filter((s) => s.tMs > last.tMs - window).map((s) => s.rss));
  metrics.push({
    id: "generator_rss_growth",
    unit: "percent",
    direction: "lower",
    value: significant(((end - baseline) / baseline) * 100, 3),
    tags: {
      from: `${GENERATOR_BASELINE_MS / 1000}-${(GENERATOR_BASELINE_MS + window) / 1000} s`,
      to: `last ${window / 1000} s (${Math.round(last.tMs / 1000)} s)`,
      baseline_mb: String(significant(baseline / MB, 4)),
      end_mb: String(significant(end / MB, 4)),
    },
  });
  return metrics;
}

function mbSummary(id: string, values: readonly number[]): Metric {
  return { id, unit: "MB", direction: "lower", summary: summarize(values.map((v) => v / MB)) };
}

/**
 * Memory samples -> the `memory` suite: Theil–Sen slopes (MB/min, with their interval in the
 * tags) of retained memory and RSS over the steady phase, and MB summaries beside them. Pure.
 */
export function normalizeMemory(input: NormalizeMemoryInput): {
  suite: Suite;
  warnings: QualityWarning[];
} {
  const { id, raw } = input;
  const confidence = input.confidence ?? 0.95;
  const steady = steadyPhase(raw.samples);
  const warnings: QualityWarning[] = [];
  const suite: Suite = {
    kind: "memory",
    id,
    tool: input.tool ?? { name: "perfgate-memory", version: "1" },
    status: "ok",
    metrics: [],
    meta: {
      intervalMs: raw.intervalMs,
      samples: raw.samples.length,
      warmupSamples: raw.samples.length - steady.length,
      failedPolls: raw.failedPolls ?? 0,
      truncated: raw.truncated ?? false,
    },
  };
  if (steady.length < MIN_STEADY_SAMPLES) {
    warnings.push({
      code: "too-few-samples",
      suite: id,
      metric: "heap_slope",
      message: `${steady.length} steady-phase memory samples (need ${MIN_STEADY_SAMPLES}): no slope, no leak verdict; run longer or sample more often`,
    });
  }
  if (steady.length === 0) {
    suite.metrics.push(
      { id: "samples", unit: "count", direction: "higher", value: 0 },
      ...generatorMetrics(raw.generator ?? []),
    );
    return { suite, warnings };
  }
  const minutes = steady.map((s) => s.tMs / 60_000);
  if (steady.length >= MIN_STEADY_SAMPLES) {
    suite.metrics.push(
      slopeMetric(
        "heap_slope",
        "heapUsedAfterGc+arrayBuffers-cacheBytes",
        theilSen(
          minutes,
          steady.map((s) => retainedBytes(s) / MB),
          { confidence },
        ),
        confidence,
      ),
      slopeMetric(
        "rss_slope",
        "rss",
        theilSen(
          minutes,
          steady.map((s) => s.rss / MB),
          { confidence },
        ),
        confidence,
      ),
    );
  }
  suite.metrics.push(
    mbSummary(
      "heap_after_gc",
      steady.map((s) => s.heapUsedAfterGc),
    ),
    mbSummary(
      "array_buffers",
      steady.map((s) => s.arrayBuffers),
    ),
    mbSummary(
      "rss",
      steady.map((s) => s.rss),
    ),
    { id: "samples", unit: "count", direction: "higher", value: steady.length },
    ...generatorMetrics(raw.generator ?? []),
  );
  return { suite, warnings };
}
