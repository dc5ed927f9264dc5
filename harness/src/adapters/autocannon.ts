import type { Metric, QualityWarning, Suite } from "../schema/index.ts";
import { summarizeHdr } from "./_hdr.ts";

/** The fields of the autocannon runner's raw file that normalization reads. */
export interface AutocannonRawInput {
  id: string;
  autocannonVersion: string;
  options: { url: string; connections: number; durationSeconds: number };
  result: {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { average: number; total: number };
    throughput: { average: number };
  };
  latencyUsHdr: string;
}

/** autocannon raw output -> one `endpoint` suite (closed-loop throughput and latency). Pure. */
export function normalizeAutocannon(raw: AutocannonRawInput): {
  suite: Suite;
  warnings: QualityWarning[];
} {
  const { result } = raw;
  const latency = summarizeHdr(raw.latencyUsHdr);
  const metrics: Metric[] = [
    {
      id: "requests_rate",
      unit: "req/s",
      direction: "higher",
      // Completed requests over the measured wall time, not the mean of per-second buckets.
      value: result.duration > 0 ? result.requests.total / result.duration : 0,
    },
    ...(latency
      ? [
          {
            id: "latency",
            unit: "ms",
            direction: "lower",
            summary: latency,
            hdr: raw.latencyUsHdr,
          } satisfies Metric,
        ]
      : []),
    { id: "errors", unit: "count", direction: "lower", value: result.errors + result.timeouts },
    { id: "non_2xx", unit: "count", direction: "lower", value: result.non2xx },
  ];
  const warnings: QualityWarning[] = [];
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) {
    warnings.push({
      code: "http-errors",
      suite: raw.id,
      message: `${failures} of ${result.requests.total + result.errors} requests failed or were not 2xx`,
    });
  }
  return {
    suite: {
      kind: "endpoint",
      id: raw.id,
      tool: { name: "autocannon", version: raw.autocannonVersion },
      status: "ok",
      metrics,
      meta: { connections: raw.options.connections, durationSeconds: raw.options.durationSeconds },
    },
    warnings,
  };
}

/**
 * The figures a comparison block records of one autocannon pass: throughput over the measured
 * wall time, and latency quantiles in ms. Latencies are absent when nothing completed. Pure.
 */
export function autocannonBlockFigures(raw: AutocannonRawInput): {
  requestsRate: number;
  latency?: { p50: number; p95: number; p99: number };
} {
  const seconds = raw.result.duration > 0 ? raw.result.duration : raw.options.durationSeconds;
  const latency = summarizeHdr(raw.latencyUsHdr);
  return {
    requestsRate: raw.result.requests.total / seconds,
    ...(latency
      ? { latency: { p50: latency.median, p95: latency.p95, p99: latency.p99 ?? latency.max } }
      : {}),
  };
}
