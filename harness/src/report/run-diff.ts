import type { Direction, RunResult, Unit } from "../schema/index.ts";

export interface DiffRow {
  suite: string;
  metric: string;
  unit: Unit;
  direction: Direction;
  a: number | undefined;
  b: number | undefined;
  /** b / a - 1; undefined when either side is missing or a is 0. */
  relative: number | undefined;
  label: "better" | "worse" | "same" | "added" | "removed";
}

export interface RunDiffModel {
  a: { runId: string; shortSha: string };
  b: { runId: string; shortSha: string };
  rows: DiffRow[];
  /** Warnings of either run: a diff over a warned measurement says so. */
  warnings: string[];
}

const DEAD_BAND = 0.02;

function values(run: RunResult): Map<string, { unit: Unit; direction: Direction; value: number }> {
  const out = new Map<string, { unit: Unit; direction: Direction; value: number }>();
  for (const suite of run.suites) {
    for (const metric of suite.metrics) {
      const value = metric.summary?.median ?? metric.value;
      if (value !== undefined)
        out.set(`${suite.id}\u0000${metric.id}`, {
          unit: metric.unit,
          direction: metric.direction,
          value,
        });
    }
  }
  return out;
}

/**
 * Headline values (medians, rates) of two single runs side by side. Two runs are one sample
 * each, so this labels only changes beyond a dead band and never claims significance; base-vs-head
 * verdicts with intervals come from `perfgate compare`. Pure.
 */
export function buildRunDiff(a: RunResult, b: RunResult): RunDiffModel {
  const left = values(a);
  const right = values(b);
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const rows = keys.map((key): DiffRow => {
    const [suite = "", metric = ""] = key.split("\u0000");
    const x = left.get(key);
    const y = right.get(key);
    const meta = (y ?? x) as { unit: Unit; direction: Direction };
    const relative = x && y && x.value !== 0 ? y.value / x.value - 1 : undefined;
    let label: DiffRow["label"];
    if (!x) label = "added";
    else if (!y) label = "removed";
    else if (relative === undefined || Math.abs(relative) < DEAD_BAND) label = "same";
    else label = relative < 0 === (meta.direction === "lower") ? "better" : "worse";
    return {
      suite,
      metric,
      unit: meta.unit,
      direction: meta.direction,
      a: x?.value,
      b: y?.value,
      relative,
      label,
    };
  });
  const warnings = [
    ...a.warnings.map((w) => `${a.runId}: ${w.code}: ${w.message}`),
    ...b.warnings.map((w) => `${b.runId}: ${w.code}: ${w.message}`),
  ];
  return {
    a: { runId: a.runId, shortSha: a.git.shortSha },
    b: { runId: b.runId, shortSha: b.git.shortSha },
    rows,
    warnings,
  };
}
