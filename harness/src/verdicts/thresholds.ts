import type { K6ThresholdResult } from "../adapters/k6.ts";
import { EXIT, type RunResult, type Verdict } from "../schema/index.ts";

/**
 * k6 thresholds as perfgate verdicts. k6 already judged them (the same rule engine runs in the
 * real binary and the built-in engine); this keeps the rule, the actual value and the outcome.
 */
export function judgeK6Thresholds(
  suite: string,
  thresholds: readonly K6ThresholdResult[],
): Verdict[] {
  return thresholds.map((threshold) => {
    const actual =
      threshold.actual === undefined ? "" : ` (actual ${formatActual(threshold.actual)})`;
    return {
      suite,
      metric: threshold.metric,
      source: "k6-threshold",
      level: "error",
      status: threshold.failed ? "fail" : "pass",
      rule: threshold.rule,
      ...(threshold.actual !== undefined ? { actual: threshold.actual } : {}),
      message: `${threshold.metric} ${threshold.rule} ${threshold.failed ? "failed" : "passed"}${actual}`,
    };
  });
}

function formatActual(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** The exit code's input: any failed error-level verdict fails the run. */
export function hasFailingVerdict(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((verdict) => verdict.level === "error" && verdict.status === "fail");
}

/** A measuring command's exit code: interrupted, then failed verdicts, then a suite that errored. */
export function runExitCode(run: Pick<RunResult, "status" | "verdicts" | "suites">): number {
  if (run.status === "interrupted") return EXIT.interrupted;
  if (hasFailingVerdict(run.verdicts)) return EXIT.verdictFailed;
  if (run.suites.some((suite) => suite.status === "errored")) return EXIT.toolFailed;
  return EXIT.ok;
}
