import type { FaultEvent, RequestSample } from "../adapters/fault-timeline.ts";
import { quantile } from "../stats/index.ts";

/** The pre-fault band a second must be back in to count as recovered. */
export interface RecoveryBand {
  /** Seconds before the injection that define "normal", default 5. */
  baselineSeconds: number;
  /** A second's success rate may be this far below the baseline's (absolute), default 0.01. */
  successTolerance: number;
  /**
   * A second's p95 may be up to baseline p95 × factor + slack, default 3 and 25 ms: loose, as
   * one second holds ~30 requests, so its p95 is nearly its maximum, on a noisy 2-core machine.
   */
  latencyFactor: number;
  latencySlackMs: number;
  /** A second needs at least this share of the baseline's requests per second, default 0.5. */
  minRequestShare: number;
}

export const DEFAULT_RECOVERY_BAND: RecoveryBand = {
  baselineSeconds: 5,
  successTolerance: 0.01,
  latencyFactor: 3,
  latencySlackMs: 25,
  minRequestShare: 0.5,
};

/** One second of the timeline, counted from the injection. */
export interface FaultSecond {
  /** Seconds after the injection (0 = the first second). */
  second: number;
  requests: number;
  errors: number;
  p95Ms: number | undefined;
  inBand: boolean;
}

/** What one fault did to the load, measured from the per-request timeline. */
export interface FaultImpact {
  event: FaultEvent;
  /** The fault's window: its injection to the next fault's injection (or the end of the load). */
  windowSeconds: number;
  requests: number;
  errors: number;
  errorRate: number;
  /** Failed requests by status ("0" = no response: connection refused or reset). */
  errorsByStatus: Record<string, number>;
  /** Failed requests by URL group (`name` tag). */
  errorsByName: Record<string, number>;
  /** Highest per-second error rate in the window, and the second it happened. */
  peakErrorRate: number;
  peakSecond: number | undefined;
  baseline: { requests: number; successRate: number; p95Ms: number } | undefined;
  /** p95 of the requests that finished while the fault was active (at least its first second). */
  p95DuringMs: number | undefined;
  /** Highest per-second p95 in the window. */
  maxSecondP95Ms: number | undefined;
  /**
   * Seconds from the injection to the end of the first second, at or after the fault was
   * cleared, that is back in the pre-fault band; undefined when the window never got back.
   */
  recoverySeconds: number | undefined;
  seconds: FaultSecond[];
}

function p95(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  return quantile(
    [...values].sort((a, b) => a - b),
    0.95,
  );
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function between(samples: readonly RequestSample[], fromMs: number, toMs: number) {
  return samples.filter((s) => s.timeMs >= fromMs && s.timeMs < toMs);
}

/**
 * Error spike, latency impact and recovery time of each fault, from the requests' finish times.
 * Faults must be in injection order; each one's window ends where the next begins (or at
 * `loadEndMs`), so every failed request is charged to exactly one fault. Pure.
 */
export function analyzeFaults(
  samples: readonly RequestSample[],
  events: readonly FaultEvent[],
  loadEndMs: number,
  band: RecoveryBand = DEFAULT_RECOVERY_BAND,
): FaultImpact[] {
  return events.map((event, index) => {
    const start = event.injectedAtMs;
    const end = Math.max(start, events[index + 1]?.injectedAtMs ?? loadEndMs);
    const inWindow = between(samples, start, end);
    const before = between(samples, start - band.baselineSeconds * 1000, start);
    const errorsByStatus: Record<string, number> = {};
    const errorsByName: Record<string, number> = {};
    for (const sample of inWindow) {
      if (sample.ok) continue;
      count(errorsByStatus, String(sample.status));
      count(errorsByName, sample.name ?? "(unnamed)");
    }
    const errors = inWindow.filter((s) => !s.ok).length;
    const baseline =
      before.length > 0
        ? {
            requests: before.length,
            successRate: before.filter((s) => s.ok).length / before.length,
            p95Ms: p95(before.map((s) => s.durationMs)) as number,
          }
        : undefined;
    const minRequests = baseline
      ? Math.max(1, Math.floor((baseline.requests / band.baselineSeconds) * band.minRequestShare))
      : 1;
    const seconds: FaultSecond[] = [];
    for (let second = 0; start + second * 1000 < end; second++) {
      const from = start + second * 1000;
      const bucket = between(inWindow, from, Math.min(from + 1000, end));
      const failed = bucket.filter((s) => !s.ok).length;
      const secondP95 = p95(bucket.map((s) => s.durationMs));
      const inBand =
        baseline !== undefined &&
        bucket.length >= minRequests &&
        (bucket.length - failed) / bucket.length >= baseline.successRate - band.successTolerance &&
        secondP95 !== undefined &&
        secondP95 <= baseline.p95Ms * band.latencyFactor + band.latencySlackMs;
      seconds.push({ second, requests: bucket.length, errors: failed, p95Ms: secondP95, inBand });
    }
    let peakErrorRate = 0;
    let peakSecond: number | undefined;
    for (const s of seconds) {
      const rate = s.requests > 0 ? s.errors / s.requests : 0;
      if (rate > peakErrorRate) {
        peakErrorRate = rate;
        peakSecond = s.second;
      }
    }
    const clearedSecond = Math.floor(Math.max(0, event.clearedAtMs - start) / 1000);
    const recovered = seconds.find((s) => s.second >= clearedSecond && s.inBand);
    const activeEnd = Math.max(event.clearedAtMs, start + 1000);
    const secondP95s = seconds.flatMap((s) => (s.p95Ms === undefined ? [] : [s.p95Ms]));
    return {
      event,
      windowSeconds: (end - start) / 1000,
      requests: inWindow.length,
      errors,
      errorRate: inWindow.length > 0 ? errors / inWindow.length : 0,
      errorsByStatus,
      errorsByName,
      peakErrorRate,
      peakSecond,
      baseline,
      p95DuringMs: p95(between(inWindow, start, activeEnd).map((s) => s.durationMs)),
      maxSecondP95Ms: secondP95s.length > 0 ? Math.max(...secondP95s) : undefined,
      recoverySeconds: recovered ? recovered.second + 1 : undefined,
      seconds,
    };
  });
}
