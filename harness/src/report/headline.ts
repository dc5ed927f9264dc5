import type { Metric, RunResult, Suite, Unit, Verdict } from "../schema/index.ts";

/** One scenario's three numbers a reader looks at first, with the change against main. */
export interface HeadlineRow {
  kind: Suite["kind"];
  id: string;
  /** Engine mode or connections, e.g. `built-in engine`. */
  mode?: string | undefined;
  p95Ms?: number | undefined;
  rate?: number | undefined;
  rateUnit?: Unit | undefined;
  /** Failed-request share (k6) as a ratio, or a count of errors (autocannon). */
  errors?: { value: number; unit: Unit } | undefined;
  /** Relative change (%) against the same suite in the baseline run; absent without one. */
  p95ChangePct?: number | undefined;
  rateChangePct?: number | undefined;
}

export interface Headline {
  rows: HeadlineRow[];
  /** The last complete main run the rows compare against. */
  baseline?: { runId: string; shortSha: string } | undefined;
}

const find = (suite: Suite, id: string): Metric | undefined =>
  suite.metrics.find((m) => m.id === id);

function figures(suite: Suite): Pick<HeadlineRow, "p95Ms" | "rate" | "rateUnit" | "errors"> {
  if (suite.kind === "load") {
    const failed = find(suite, "http_req_failed");
    const rate = find(suite, "http_reqs_rate") ?? find(suite, "http_reqs");
    return {
      p95Ms: find(suite, "http_req_duration")?.summary?.p95,
      rate: rate?.value,
      rateUnit: rate?.unit,
      errors: failed?.value === undefined ? undefined : { value: failed.value, unit: failed.unit },
    };
  }
  const errors = find(suite, "errors");
  const rate = find(suite, "requests_rate");
  return {
    p95Ms: find(suite, "latency")?.summary?.p95,
    rate: rate?.value,
    rateUnit: rate?.unit,
    errors: errors?.value === undefined ? undefined : { value: errors.value, unit: errors.unit },
  };
}

function change(now: number | undefined, before: number | undefined): number | undefined {
  if (now === undefined || before === undefined || before === 0) return undefined;
  return (now / before - 1) * 100;
}

/**
 * The headline of a run: load scenarios and endpoints with p95, throughput and errors, each
 * against the same suite in `baseline` (the last main run) when one is given. Pure.
 */
export function buildHeadline(run: RunResult, baseline?: RunResult): Headline {
  const rows: HeadlineRow[] = [];
  for (const suite of run.suites) {
    if ((suite.kind !== "load" && suite.kind !== "endpoint") || suite.status !== "ok") continue;
    const now = figures(suite);
    const previous = baseline?.suites.find((s) => s.kind === suite.kind && s.id === suite.id);
    const before = previous ? figures(previous) : undefined;
    const engine = suite.meta?.engine;
    rows.push({
      kind: suite.kind,
      id: suite.id,
      mode:
        suite.kind === "load"
          ? engine === "builtin"
            ? "built-in engine"
            : typeof engine === "string"
              ? engine
              : suite.tool.name
          : typeof suite.meta?.connections === "number"
            ? `${suite.meta.connections} connections`
            : undefined,
      ...now,
      p95ChangePct: change(now.p95Ms, before?.p95Ms),
      rateChangePct: change(now.rate, before?.rate),
    });
  }
  return {
    rows,
    baseline: baseline ? { runId: baseline.runId, shortSha: baseline.git.shortSha } : undefined,
  };
}

/** Lighthouse assertions name audits; the suite's metrics use short ids. */
const LHCI_METRIC: Record<string, string> = {
  "categories:performance": "performance_score",
  "largest-contentful-paint": "lcp",
  "first-contentful-paint": "fcp",
  "total-blocking-time": "tbt",
  "cumulative-layout-shift": "cls",
  "speed-index": "speed_index",
};

/** The suite metric a verdict judges (Lighthouse audits mapped to their metric ids). */
export function verdictMetricId(verdict: Verdict): string {
  return verdict.source === "lhci"
    ? (LHCI_METRIC[verdict.metric] ?? verdict.metric)
    : verdict.metric;
}

/** The unit of a verdict's actual value, from the metric it judges. */
export function verdictUnit(run: RunResult, verdict: Verdict): Unit | undefined {
  const id = verdictMetricId(verdict);
  const suite = run.suites.find((s) => s.id === verdict.suite);
  const metric = suite?.metrics.find((m) => m.id === id);
  if (metric) return metric.unit;
  if (/^(rate|count)[<>=]/.test(verdict.rule ?? ""))
    return verdict.rule?.startsWith("rate") ? "ratio" : "count";
  return undefined;
}

/** The last complete run on `mainRef` before `run` (by run id), the baseline of its headline. */
export function lastMainRun(
  runs: readonly RunResult[],
  run: Pick<RunResult, "runId" | "profile">,
  mainRef = "main",
): RunResult | undefined {
  return runs
    .filter(
      (r) =>
        r.git.ref === mainRef &&
        r.status === "complete" &&
        r.profile === run.profile &&
        r.runId < run.runId,
    )
    .at(-1);
}
