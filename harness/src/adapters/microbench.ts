import type { Metric, QualityWarning, Suite } from "../schema/index.ts";
import { coefficientOfVariation } from "../stats/index.ts";
import { countMetrics } from "./microbench-counts.ts";
import { qualityProblems } from "./microbench-quality.ts";
import { foreignCores, type MicrobenchRaw } from "./microbench-raw.ts";
import { median, significant, summarize } from "./microbench-summary.ts";

export interface MicrobenchFailureInput {
  suite: string;
  group: string;
  case: string;
  round: number;
  message: string;
}

export interface NormalizeMicrobenchInput {
  raws: readonly MicrobenchRaw[];
  failures?: readonly MicrobenchFailureInput[];
  interrupted?: boolean;
  tools: { mitata: string; tinybench: string };
}

/** One line of the terminal table: a case with its ratio to the group's baseline. */
export interface BenchRow {
  suite: string;
  group: string;
  groupTitle: string;
  case: string;
  role: "subject" | "baseline" | "peer";
  estimator: "median" | "mean";
  processes: number;
  /** mitata, per-process estimate: median over processes, and CV across them. */
  opsPerSec: number;
  cv: number;
  /** Case / baseline, per round (same hash seed), median and range; undefined for the baseline. */
  ratio?: { median: number; min: number; max: number };
  tinybenchOpsPerSec?: number;
  /** tinybench median / mitata median. */
  toolRatio?: number;
  /** GC groups: plain fixed work timed as a whole, observer only (no tool's own allocations). */
  fixedWorkOpsPerSec?: number;
  fixedWorkRatio?: { median: number; min: number; max: number };
  gcPerMillionOps?: number;
  gcTimePercent?: number;
  hitRate?: number;
  /** `--measure instructions`: median instructions and estimated cycles per op, and their spread. */
  instructionsPerOp?: number;
  cyclesPerOp?: number;
  instructionSpread?: number;
  maxForeignCores: number;
  warnings: QualityWarning["code"][];
}

/** The three estimates per process: mitata, tinybench, and plain fixed work (GC groups). */
const VIEWS = ["mitata", "tinybench", "fixed-work"] as const;
type View = (typeof VIEWS)[number];

/** Seconds per call -> ops/s with the group's estimator. */
function opsPerSec(raw: MicrobenchRaw, view: View): number | undefined {
  const mean = raw.group.estimator === "mean";
  if (view === "mitata") {
    const stats = raw.mitata?.stats;
    if (!stats) return undefined;
    return (raw.case.ops * 1e9) / (mean ? stats.avg : stats.p50);
  }
  if (view === "tinybench") {
    const latency = raw.tinybench?.result.latency;
    if (!latency) return undefined;
    return (raw.case.ops * 1e3) / (mean ? latency.mean : latency.p50);
  }
  const work = raw.fixedWork;
  return work && work.wallMs > 0 ? (work.calls * raw.case.ops * 1e3) / work.wallMs : undefined;
}

/** Case / baseline for each round both have: same hash seed, same stretch of the run. */
function perRoundRatios(
  list: MicrobenchRaw[],
  baselineRaws: MicrobenchRaw[],
  view: View,
): number[] {
  const byRound = new Map(baselineRaws.map((r) => [r.round, opsPerSec(r, view)]));
  const ratios: number[] = [];
  for (const raw of list) {
    const base = byRound.get(raw.round);
    const own = opsPerSec(raw, view);
    if (base && own) ratios.push(own / base);
  }
  return ratios;
}

function caseKey(raw: { suite: string; group: string; case: string }): string {
  return `${raw.suite}\u0000${raw.group}\u0000${raw.case}`;
}

const ROLE_ORDER = { subject: 0, baseline: 1, peer: 2 } as const;

/**
 * Raw worker records -> one `microbench` suite per suite file, quality warnings and table
 * rows. Samples are per-process estimates in round order; `tags.seeds` lists each sample's
 * hash seed, so a statistics stage can pair them with another run's. Pure.
 */
export function normalizeMicrobench(input: NormalizeMicrobenchInput): {
  suites: Suite[];
  warnings: QualityWarning[];
  rows: BenchRow[];
} {
  const byCase = new Map<string, MicrobenchRaw[]>();
  for (const raw of input.raws) {
    const key = caseKey({ suite: raw.suite.id, group: raw.group.id, case: raw.case.id });
    byCase.set(key, [...(byCase.get(key) ?? []), raw]);
  }
  for (const list of byCase.values()) list.sort((a, b) => a.round - b.round);
  const failed = new Map<string, MicrobenchFailureInput[]>();
  for (const f of input.failures ?? [])
    failed.set(caseKey(f), [...(failed.get(caseKey(f)) ?? []), f]);

  const suiteIds = [
    ...new Set([
      ...input.raws.map((r) => r.suite.id),
      ...(input.failures ?? []).map((f) => f.suite),
    ]),
  ].sort();
  const suites: Suite[] = [];
  const warnings: QualityWarning[] = [];
  const rows: BenchRow[] = [];
  for (const suiteId of suiteIds) {
    const metrics: Metric[] = [];
    const meta: Record<string, string | number | boolean> = {};
    const errors: string[] = [];
    const keys = [...new Set([...byCase.keys(), ...failed.keys()])].filter((k) =>
      k.startsWith(`${suiteId}\u0000`),
    );
    const caseRaws = keys.map((k) => byCase.get(k) ?? []);
    const sample = caseRaws.find((list) => list.length > 0)?.[0];
    for (const key of keys.sort()) {
      const [, groupId = "", caseId = ""] = key.split("\u0000");
      const list = byCase.get(key) ?? [];
      const failures = failed.get(key) ?? [];
      const first = list[0];
      if (!first) {
        errors.push(
          `${groupId}/${caseId}: every process failed (${failures[0]?.message.split("\n")[0] ?? "no output"})`,
        );
        continue;
      }
      const baselineRaws =
        byCase.get(caseKey({ suite: suiteId, group: groupId, case: first.group.baseline })) ?? [];
      const result = normalizeCase(list, baselineRaws, failures.length);
      metrics.push(...result.metrics);
      warnings.push(...result.warnings.map((w) => ({ ...w, suite: suiteId })));
      rows.push({ ...result.row, suite: suiteId });
      if (result.row.hitRate !== undefined)
        meta[`${groupId}.${caseId}.hitRate`] = round(result.row.hitRate, 4);
    }
    if (sample) {
      meta.title = sample.suite.title;
      meta.inputSeed = sample.inputSeed;
      meta.node = sample.node;
      meta.tinybench = input.tools.tinybench;
    }
    const status = input.interrupted ? "interrupted" : errors.length > 0 ? "errored" : "ok";
    suites.push({
      kind: "microbench",
      id: suiteId,
      tool: { name: "mitata", version: input.tools.mitata },
      status,
      ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
      metrics,
      meta,
    });
  }
  rows.sort(
    (a, b) =>
      a.suite.localeCompare(b.suite) ||
      a.group.localeCompare(b.group) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.case.localeCompare(b.case),
  );
  return { suites, warnings, rows };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

type Row = Omit<BenchRow, "suite">;

/** One ops/s metric per measuring tool, and the per-process values each tool saw. */
function viewMetrics(list: MicrobenchRaw[], id: string, tags: Record<string, string>) {
  const first = list[0] as MicrobenchRaw;
  const { group } = first;
  const metrics: Metric[] = [];
  const views: Partial<Record<View, number[]>> = {};
  for (const view of VIEWS) {
    const values = list.map((r) => opsPerSec(r, view)).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;
    views[view] = values;
    // The primary (mitata) metric carries the summary and the full tags; the second opinions
    // keep their samples (all a statistics stage needs) and the median as `value` for reports,
    // so a committed run stays small.
    metrics.push({
      id: view === "mitata" ? id : `${id}.${view}`,
      unit: "ops/s",
      direction: "higher",
      samples: values.map((v) => significant(v)),
      ...(view === "mitata"
        ? { summary: summarize(values), tags: { ...tags, tool: view } }
        : {
            value: significant(median(values)),
            tags: { group: group.id, case: first.case.id, tool: view },
          }),
    });
  }
  return { metrics, views };
}

/** Per-round ratios to the group baseline (mitata, fixed-work); fills the row's ratio fields. */
function ratioMetrics(
  list: MicrobenchRaw[],
  baselineRaws: MicrobenchRaw[],
  id: string,
  row: Row,
): Metric[] {
  const first = list[0] as MicrobenchRaw;
  const { group } = first;
  const metrics: Metric[] = [];
  for (const view of ["mitata", "fixed-work"] as const) {
    const ratios = perRoundRatios(list, baselineRaws, view);
    if (ratios.length === 0) continue;
    const summary = summarize(ratios);
    row[view === "mitata" ? "ratio" : "fixedWorkRatio"] = {
      median: summary.median,
      min: summary.min,
      max: summary.max,
    };
    metrics.push({
      id: `${id}${view === "mitata" ? "" : `.${view}`}.vs.${group.baseline}`,
      unit: "ratio",
      direction: "higher",
      samples: ratios.map((v) => significant(v, 4)),
      summary,
      tags: { group: group.id, case: first.case.id, tool: view, baseline: group.baseline },
    });
  }
  return metrics;
}

/** GC count per million ops and GC time share from the fixed-work windows, when the group asks. */
function gcMetrics(list: MicrobenchRaw[], id: string, row: Row): Metric[] {
  const first = list[0] as MicrobenchRaw;
  const { group } = first;
  const metrics: Metric[] = [];
  const gcWindows = list.flatMap((r) => (r.fixedWork ? [r.fixedWork] : []));
  if (group.gc && gcWindows.length > 0) {
    const perMop = gcWindows.map((w) => (w.gc.count * 1e6) / Math.max(1, w.calls * first.case.ops));
    const timeShare = gcWindows.map((w) => (w.wallMs > 0 ? (100 * w.gc.ms) / w.wallMs : 0));
    const gcTags = { group: group.id, case: first.case.id, tool: "fixed-work" };
    for (const [suffix, unit, values] of [
      ["gc-per-mop", "count", perMop],
      ["gc-time", "percent", timeShare],
    ] as const) {
      metrics.push({
        id: `${id}.${suffix}`,
        unit,
        direction: "lower",
        samples: values.map((v) => significant(v, 4)),
        value: significant(median(values), 4),
        tags: gcTags,
      });
    }
    row.gcPerMillionOps = median(perMop);
    row.gcTimePercent = median(timeShare);
  }
  return metrics;
}

function normalizeCase(list: MicrobenchRaw[], baselineRaws: MicrobenchRaw[], failedCount: number) {
  const first = list[0] as MicrobenchRaw;
  const { group } = first;
  const id = `${group.id}.${first.case.id}`;
  const role: BenchRow["role"] =
    first.case.id === group.subject
      ? "subject"
      : first.case.id === group.baseline
        ? "baseline"
        : "peer";
  const tags = {
    group: group.id,
    case: first.case.id,
    role,
    estimator: group.estimator,
    seeds: list.map((r) => r.hashSeed).join(","),
  };
  const { metrics, views } = viewMetrics(list, id, tags);
  const warnings: Omit<QualityWarning, "suite">[] = [];
  const mitata = views.mitata ?? [];
  const row: Row = {
    group: group.id,
    groupTitle: group.title,
    case: first.case.id,
    role,
    estimator: group.estimator,
    processes: list.length,
    opsPerSec: median(mitata),
    cv: coefficientOfVariation(mitata),
    maxForeignCores: Math.max(0, ...list.map(foreignCores)),
    warnings: [],
  };
  if (role !== "baseline") metrics.push(...ratioMetrics(list, baselineRaws, id, row));
  if (views.tinybench && mitata.length > 0) {
    row.tinybenchOpsPerSec = median(views.tinybench);
    row.toolRatio = row.tinybenchOpsPerSec / row.opsPerSec;
  }
  if (views["fixed-work"]) row.fixedWorkOpsPerSec = median(views["fixed-work"]);
  metrics.push(...gcMetrics(list, id, row));
  const counted = countMetrics(list, id, tags);
  metrics.push(...counted.metrics);
  warnings.push(...counted.warnings);
  for (const w of counted.warnings) row.warnings.push(w.code);
  if (counted.counts) {
    row.instructionsPerOp = counted.counts.instructionsPerOp;
    if (counted.counts.cyclesPerOp !== undefined) row.cyclesPerOp = counted.counts.cyclesPerOp;
    row.instructionSpread = counted.counts.spread;
  }
  const hitRates = list.map((r) => r.facts.hitRate).filter((v): v is number => v !== undefined);
  if (hitRates.length > 0) row.hitRate = median(hitRates);

  // Instruction-only processes (no timing tools) have no timing quality to judge.
  const timed = list.some((r) => r.mitata || r.tinybench);
  for (const { code, message } of timed ? qualityProblems(list, row, failedCount) : []) {
    warnings.push({ code, metric: id, message: `${id}: ${message}` });
    row.warnings.push(code);
  }
  return { metrics, warnings, row };
}
