import type { Metric, QualityWarning, Suite } from "../schema/index.ts";
import { summarizeHdr } from "./_hdr.ts";

/** The fields of the autocannon runner's raw file that normalization reads. */
export interface AutocannonRawInput {
  id: string;
  autocannonVersion: string;
  options: {
    url: string;
    connections: number;
    durationSeconds: number;
    method?: string;
    /** Largest share of requests that may fail or answer non-2xx (0.01 = 1 %). */
    maxErrorShare?: number;
  };
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

/** The error share above which an endpoint pass is `errored` when its config sets none: 1 %. */
export const DEFAULT_MAX_ERROR_SHARE = 0.01;

/**
 * autocannon raw output -> one `endpoint` suite (closed-loop throughput and latency). Pure.
 * A pass whose failed or non-2xx share is above its limit is `errored`, naming the endpoint:
 * the throughput of 404s says nothing about the endpoint it was meant to measure.
 */
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
  const attempts = result.requests.total + result.errors;
  if (failures > 0) {
    warnings.push({
      code: "http-errors",
      suite: raw.id,
      message: `${failures} of ${attempts} requests failed or were not 2xx`,
    });
  }
  const limit = raw.options.maxErrorShare ?? DEFAULT_MAX_ERROR_SHARE;
  const share = attempts > 0 ? failures / attempts : 1;
  const target = `${raw.options.method ?? "GET"} ${raw.options.url}`;
  const error =
    share > limit
      ? attempts === 0
        ? `endpoint ${raw.id} (${target}): no request completed`
        : `endpoint ${raw.id} (${target}): ${failures} of ${attempts} requests (${percent(share)}) failed or answered non-2xx, above the ${percent(limit)} limit`
      : undefined;
  return {
    suite: {
      kind: "endpoint",
      id: raw.id,
      tool: { name: "autocannon", version: raw.autocannonVersion },
      status: error ? "errored" : "ok",
      ...(error ? { error } : {}),
      metrics,
      meta: { connections: raw.options.connections, durationSeconds: raw.options.durationSeconds },
    },
    warnings,
  };
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
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
