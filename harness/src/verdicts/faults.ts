import type { Metric, Suite, Verdict } from "../schema/index.ts";
import type { FaultImpact } from "./fault-impact.ts";

/** Suite id of the fault table in a run record. */
export const FAULTS_SUITE_ID = "faults";

function metric(
  fault: string,
  measure: string,
  unit: Metric["unit"],
  value: number | undefined,
  direction: Metric["direction"] = "lower",
): Metric[] {
  if (value === undefined || !Number.isFinite(value)) return [];
  return [{ id: `${fault}.${measure}`, unit, direction, value, tags: { fault } }];
}

const round = (value: number | undefined, digits = 3) =>
  value === undefined ? undefined : Number(value.toFixed(digits));

/**
 * The fault table as a suite: per fault `<id>.requests`, `.errors`, `.errors_no_response`,
 * `.errors_5xx`, `.error_rate`, `.peak_error_rate`, `.p95_before`, `.p95_during`,
 * `.max_second_p95` and `.recovery` (s; absent when it never recovered), each tagged with the
 * fault; the step outcome, its message, label and observed facts go to `meta`.
 */
export function faultsSuite(
  impacts: readonly FaultImpact[],
  tool: Suite["tool"],
  status: Suite["status"] = "ok",
): Suite {
  const meta: Record<string, string | number | boolean> = {};
  const metrics: Metric[] = [];
  for (const impact of impacts) {
    const { event } = impact;
    const id = event.id;
    meta[`${id}.label`] = event.label;
    meta[`${id}.step`] = event.step;
    if (event.message) meta[`${id}.message`] = event.message;
    for (const [key, value] of Object.entries(event.facts ?? {})) meta[`${id}.${key}`] = value;
    const noResponse = impact.errorsByStatus["0"] ?? 0;
    const serverErrors = Object.entries(impact.errorsByStatus)
      .filter(([code]) => code.startsWith("5"))
      .reduce((sum, [, n]) => sum + n, 0);
    metrics.push(
      ...metric(id, "requests", "count", impact.requests, "higher"),
      ...metric(id, "errors", "count", impact.errors),
      ...metric(id, "errors_no_response", "count", noResponse),
      ...metric(id, "errors_5xx", "count", serverErrors),
      ...metric(id, "error_rate", "ratio", round(impact.errorRate, 4)),
      ...metric(id, "peak_error_rate", "ratio", round(impact.peakErrorRate, 4)),
      ...metric(id, "p95_before", "ms", round(impact.baseline?.p95Ms)),
      ...metric(id, "p95_during", "ms", round(impact.p95DuringMs)),
      ...metric(id, "max_second_p95", "ms", round(impact.maxSecondP95Ms)),
      ...metric(id, "recovery", "s", impact.recoverySeconds),
    );
  }
  return { kind: "faults", id: FAULTS_SUITE_ID, tool, status, metrics, meta };
}

/**
 * One verdict per fault: pass when the load was back in its pre-fault band within
 * `limits[id]` seconds of the injection (default `defaultLimitSeconds`); fail when it took
 * longer, never got back, or the fault step itself failed (with its message); skip when there
 * was no pre-fault baseline to compare with.
 */
export function judgeFaults(
  impacts: readonly FaultImpact[],
  limits: Readonly<Record<string, number>>,
  defaultLimitSeconds = 10,
): Verdict[] {
  return impacts.map((impact) => {
    const { event } = impact;
    const limit = limits[event.id] ?? defaultLimitSeconds;
    const spike = `${impact.errors} errors of ${impact.requests} requests (peak ${(impact.peakErrorRate * 100).toFixed(0)}%/s)`;
    const base = {
      suite: FAULTS_SUITE_ID,
      metric: `${event.id}.recovery`,
      source: "fault" as const,
      level: "error" as const,
      rule: `recovered within ${limit} s`,
      evidence: {
        errors: impact.errors,
        requests: impact.requests,
        errorRate: Number(impact.errorRate.toFixed(4)),
        peakErrorRate: Number(impact.peakErrorRate.toFixed(4)),
        step: event.step,
      },
    };
    if (event.step === "failed") {
      return {
        ...base,
        status: "fail" as const,
        message: `${event.id}: the fault step failed: ${event.message ?? "no reason given"}; ${spike}`,
      };
    }
    if (!impact.baseline) {
      return {
        ...base,
        status: "skip" as const,
        message: `${event.id}: no requests in the seconds before the fault, so no band to recover to`,
      };
    }
    const seconds = impact.recoverySeconds;
    if (seconds === undefined) {
      return {
        ...base,
        status: "fail" as const,
        message: `${event.id}: not back in the pre-fault band within its ${impact.windowSeconds.toFixed(0)} s window; ${spike}`,
      };
    }
    return {
      ...base,
      status: seconds <= limit ? ("pass" as const) : ("fail" as const),
      actual: seconds,
      message: `${event.id}: recovered within ${seconds} s (limit ${limit} s); ${spike}`,
    };
  });
}
