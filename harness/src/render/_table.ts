import type { FaultRow, MetricRow, RunReportModel } from "../report/index.ts";
import { directionMark, formatValue } from "./_format.ts";

/** Header and cell text of a suite's metric table, shared by every renderer (C11). */
export const METRIC_HEADER = ["metric", "median / value", "p95", "p99", "max", "n"];

export function metricCells(row: MetricRow): string[] {
  const main = row.median !== undefined ? row.median : row.value;
  return [
    `${row.id} ${directionMark(row.direction)}`,
    formatValue(main, row.unit),
    row.median !== undefined ? formatValue(row.p95, row.unit) : "",
    row.median !== undefined ? formatValue(row.p99, row.unit) : "",
    row.median !== undefined ? formatValue(row.max, row.unit) : "",
    row.n !== undefined ? String(row.n) : "",
  ];
}

export const VERDICT_HEADER = ["", "suite", "metric", "rule", "actual", "source"];

/** The actual value with its unit (`3.0 KiB`, `4.883 ms`, `98.12%`); bare only when unknown. */
export function actualText(verdict: RunReportModel["verdicts"][number]): string {
  if (verdict.actual === undefined) return "";
  if (verdict.unit) return formatValue(Number(verdict.actual.toPrecision(6)), verdict.unit);
  return String(Number(verdict.actual.toPrecision(4)));
}

export function verdictCells(verdict: RunReportModel["verdicts"][number]): string[] {
  const mark =
    verdict.status === "pass"
      ? "pass"
      : verdict.status === "fail"
        ? verdict.level === "error"
          ? "FAIL"
          : "warn"
        : "skip";
  return [
    mark,
    verdict.suite,
    verdict.metric,
    verdict.rule ?? verdict.label ?? "",
    actualText(verdict),
    verdict.source,
  ];
}

export const OVERALL_TEXT: Record<RunReportModel["overall"], string> = {
  pass: "PASS: every gating threshold and budget held",
  fail: "FAIL: an error-level verdict failed",
  errored: "ERRORED: a stage could not run; see its error",
  interrupted: "INTERRUPTED: partial results",
};

/** `PASS with 2 warnings: …`: the final line counts the warn rows it sits under. */
export function overallLine(model: RunReportModel): string {
  const [word, rest] = OVERALL_TEXT[model.overall].split(": ") as [string, string];
  const n = model.warningCount;
  return `${word}${n > 0 ? ` with ${n} warning${n === 1 ? "" : "s"}` : ""}: ${rest}`;
}

/** Header and cells of the fault table (faults profile), shared by every renderer. */
export const FAULT_HEADER = [
  "fault",
  "step",
  "requests",
  "errors",
  "error rate",
  "peak error rate/s",
  "p95 before → during",
  "recovery",
  "verdict",
];

export function faultCells(row: FaultRow): string[] {
  const verdict = row.verdict
    ? `${row.verdict.status === "pass" ? "pass" : row.verdict.status === "fail" ? "FAIL" : "skip"} (${row.verdict.rule})`
    : "";
  return [
    row.id,
    row.step === "ok" ? "ok" : "FAILED",
    row.requests === undefined ? "—" : String(row.requests),
    row.errors === undefined ? "—" : String(row.errors),
    formatValue(row.errorRate, "ratio"),
    formatValue(row.peakErrorRate, "ratio"),
    `${formatValue(row.p95BeforeMs, "ms")} → ${formatValue(row.p95DuringMs, "ms")}`,
    row.recoverySeconds === undefined ? "not recovered" : `${row.recoverySeconds} s`,
    verdict,
  ];
}

/** One line per fault under the table: what it was, why its step failed, what it observed. */
export function faultNote(row: FaultRow): string {
  const facts = row.facts.map(([key, value]) => `${key}=${value}`).join(", ");
  return `${row.id}: ${row.label}${row.message ? ` — ${row.message}` : ""}${facts ? ` (${facts})` : ""}`;
}
