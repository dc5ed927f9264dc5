import type { Suite, Verdict } from "../schema/index.ts";

/** One row of the fault table: what a fault did to the load and whether it recovered in time. */
export interface FaultRow {
  id: string;
  label: string;
  /** Whether the harness managed to inject and undo the fault. */
  step: "ok" | "failed";
  /** Why the step failed, when it did. */
  message?: string | undefined;
  requests?: number | undefined;
  errors?: number | undefined;
  errorRate?: number | undefined;
  peakErrorRate?: number | undefined;
  p95BeforeMs?: number | undefined;
  p95DuringMs?: number | undefined;
  recoverySeconds?: number | undefined;
  /** The recovery verdict: status and rule (`recovered within 10 s`). */
  verdict?: { status: Verdict["status"]; rule: string } | undefined;
  /** What the step observed (`redisStateAfter=up`, `crashStatus=503`...), in record order. */
  facts: [string, string][];
}

const KNOWN = new Set(["label", "step", "message"]);

/**
 * The fault table of a `faults` suite: faults in the order they were injected (the order of
 * their metrics), each with its recovery verdict. Pure.
 */
export function buildFaultRows(suite: Suite, verdicts: readonly Verdict[]): FaultRow[] {
  const meta = suite.meta ?? {};
  const ids: string[] = [];
  for (const key of Object.keys(meta)) {
    const id = key.endsWith(".label") ? key.slice(0, -".label".length) : undefined;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids.map((id) => {
    const value = (measure: string) =>
      suite.metrics.find((m) => m.id === `${id}.${measure}`)?.value;
    const verdict = verdicts.find(
      (v) => v.source === "fault" && v.suite === suite.id && v.metric === `${id}.recovery`,
    );
    const facts: [string, string][] = [];
    for (const [key, fact] of Object.entries(meta)) {
      if (!key.startsWith(`${id}.`)) continue;
      const name = key.slice(id.length + 1);
      if (!KNOWN.has(name)) facts.push([name, String(fact)]);
    }
    const message = meta[`${id}.message`];
    return {
      id,
      label: String(meta[`${id}.label`]),
      step: meta[`${id}.step`] === "failed" ? "failed" : "ok",
      message: message === undefined ? undefined : String(message),
      requests: value("requests"),
      errors: value("errors"),
      errorRate: value("error_rate"),
      peakErrorRate: value("peak_error_rate"),
      p95BeforeMs: value("p95_before"),
      p95DuringMs: value("p95_during"),
      recoverySeconds: value("recovery"),
      verdict: verdict ? { status: verdict.status, rule: verdict.rule ?? "" } : undefined,
      facts,
    };
  });
}
