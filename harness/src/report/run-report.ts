import type { Direction, RunResult, Suite, Unit, Verdict } from "../schema/index.ts";
import { type CalibrationNote, calibrationNote } from "./calibration-note.ts";
import { buildFaultRows, type FaultRow } from "./fault-rows.ts";
import { buildHeadline, type Headline, verdictUnit } from "./headline.ts";

export type { CalibrationNote } from "./calibration-note.ts";
export type { FaultRow } from "./fault-rows.ts";

/** One metric row of a suite table; numbers stay numbers until a renderer formats them. */
export interface MetricRow {
  id: string;
  unit: Unit;
  direction: Direction;
  /** Distribution metrics. */
  median?: number | undefined;
  p95?: number | undefined;
  p99?: number | undefined;
  max?: number | undefined;
  n?: number | undefined;
  /** Single-value metrics (rates, counts, scores). */
  value?: number | undefined;
}

export interface SuiteSection {
  id: string;
  kind: Suite["kind"];
  tool: string;
  status: Suite["status"];
  error?: string | undefined;
  rows: MetricRow[];
  /** A `faults` suite's table (one row per fault), rendered instead of its metric rows. */
  faults?: FaultRow[] | undefined;
  /** A Lighthouse suite's CPU calibration and the metrics it reports with their spread. */
  calibration?: CalibrationNote | undefined;
}

export type Overall = "pass" | "fail" | "errored" | "interrupted";

/** A verdict with the unit of its actual value (from the metric it judges). */
export type ReportVerdict = Verdict & { unit?: Unit | undefined };

/** Everything a renderer needs for one run, and nothing it must compute. */
export interface RunReportModel {
  runId: string;
  status: RunResult["status"];
  overall: Overall;
  profile: string;
  startedAt: string;
  durationSeconds: number;
  git: { shortSha: string; ref: string; dirty: boolean };
  /** Environment fingerprint as label/value pairs, in display order. */
  environment: [string, string][];
  /** Load scenarios and endpoints first: p95, throughput, errors, change against main. */
  headline: Headline;
  /** Suites in the order people read them: load, endpoints, Lighthouse, microbench, … bundle. */
  suites: SuiteSection[];
  verdicts: ReportVerdict[];
  warnings: { code: string; where: string; message: string }[];
  /** Warn-level verdicts that failed plus quality warnings: the `PASS with N warnings` count. */
  warningCount: number;
}

/** Reading order of suite kinds; bundle last (45 chunk rows must not hide the load numbers). */
const KIND_ORDER: Suite["kind"][] = [
  "load",
  "endpoint",
  "lighthouse",
  "microbench",
  "memory",
  "faults",
  "bundle",
];

function kindRank(kind: Suite["kind"]): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length - 1 : i;
}

function rowOf(metric: Suite["metrics"][number]): MetricRow {
  const summary = metric.summary;
  return {
    id: metric.id,
    unit: metric.unit,
    direction: metric.direction,
    median: summary?.median,
    p95: summary?.p95,
    p99: summary?.p99,
    max: summary?.max,
    n: summary?.n,
    value: metric.value,
  };
}

function overallOf(run: RunResult): Overall {
  if (run.status === "interrupted") return "interrupted";
  if (run.verdicts.some((v) => v.level === "error" && v.status === "fail")) return "fail";
  if (run.status === "failed" || run.suites.some((s) => s.status === "errored")) return "errored";
  return "pass";
}

const GIB = 1024 ** 3;

/**
 * Build the report model of one run. Pure: everything comes from the record and, when given,
 * the last main run its headline compares against.
 */
export function buildRunReport(
  run: RunResult,
  options: { baseline?: RunResult } = {},
): RunReportModel {
  const { env } = run;
  const tools = Object.entries(env.tools)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const loadAfter = env.loadAvgAfter ? ` → ${env.loadAvgAfter.join(" ")}` : "";
  return {
    runId: run.runId,
    status: run.status,
    overall: overallOf(run),
    profile: run.profile,
    startedAt: run.startedAt,
    durationSeconds: Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000),
    git: { shortSha: run.git.shortSha, ref: run.git.ref, dirty: run.git.dirty },
    environment: [
      ["CPU", `${env.cpuModel} × ${env.cores}`],
      ["memory", `${(env.memoryBytes / GIB).toFixed(1)} GiB`],
      ["OS", `${env.os} (${env.arch})`],
      ["runtime", `Node ${env.node}, V8 ${env.v8}`],
      ["tools", tools || "none"],
      ["load average", `${env.loadAvgBefore.join(" ")}${loadAfter}`],
      ["CI", env.ci ? `yes${env.runner ? ` (${env.runner})` : ""}` : "no"],
    ],
    headline: buildHeadline(run, options.baseline),
    suites: [...run.suites]
      .sort((a, b) => kindRank(a.kind) - kindRank(b.kind))
      .map((suite) => ({
        id: suite.id,
        kind: suite.kind,
        tool: `${suite.tool.name} ${suite.tool.version}`,
        status: suite.status,
        error: suite.error,
        rows: suite.metrics.map(rowOf),
        ...(suite.kind === "faults" ? { faults: buildFaultRows(suite, run.verdicts) } : {}),
        ...(suite.calibration ? { calibration: calibrationNote(suite) } : {}),
      })),
    verdicts: run.verdicts.map((v) => ({ ...v, unit: verdictUnit(run, v) })),
    warningCount:
      run.verdicts.filter((v) => v.level === "warn" && v.status === "fail").length +
      run.warnings.length,
    warnings: run.warnings.map((warning) => ({
      code: warning.code,
      where: [warning.suite, warning.metric].filter(Boolean).join(" / ") || "run",
      message: warning.message,
    })),
  };
}
