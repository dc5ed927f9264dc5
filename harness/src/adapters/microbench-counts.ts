/**
 * Instruction-mode metrics of one case: instructions and estimated cycles per op from each
 * process's callgrind regions, and the stability check that decides whether they can be trusted.
 * Pure.
 */
import type { Metric, QualityWarning } from "../schema/index.ts";
import { estimatedCycles, perCallCounts } from "./callgrind.ts";
import type { MicrobenchRaw } from "./microbench-raw.ts";
import { median, significant, summarize } from "./microbench-summary.ts";

/**
 * Processes of one case run with the same seeds and flags, so their counts should agree to a few
 * parts per million; a spread above this means something in the region is not deterministic
 * (a clock read, a timer, a thread), and the case's counts are flagged, not trusted.
 */
export const MAX_INSTRUCTION_SPREAD = 0.005;

export interface CaseCounts {
  /** Median over processes. */
  instructionsPerOp: number;
  cyclesPerOp?: number;
  /** (max − min) / median of instructions per op over processes. */
  spread: number;
}

/** Instructions and estimated cycles per op of one process, from its N and 2N regions. */
export function countsPerOp(
  raw: MicrobenchRaw,
): { instructions: number; cycles?: number } | undefined {
  const i = raw.instructions;
  if (!i) return undefined;
  const perCall = perCallCounts(i.single, i.double, i.calls);
  if (perCall.Ir === undefined) return undefined;
  const cycles = estimatedCycles(perCall);
  const ops = raw.case.ops;
  return {
    instructions: perCall.Ir / ops,
    ...(cycles !== undefined ? { cycles: cycles / ops } : {}),
  };
}

/** Relative range (max − min) / median; 0 for fewer than two values. */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mid = median(values);
  return mid === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(mid);
}

/** The `<id>.instructions` and `<id>.est-cycles` metrics, the row figures and the warnings. */
export function countMetrics(
  list: readonly MicrobenchRaw[],
  id: string,
  tags: Record<string, string>,
): { metrics: Metric[]; counts?: CaseCounts; warnings: Omit<QualityWarning, "suite">[] } {
  const per = list.flatMap((raw) => {
    const c = countsPerOp(raw);
    return c ? [c] : [];
  });
  if (per.length === 0) return { metrics: [], warnings: [] };
  const instructions = per.map((p) => p.instructions);
  const cycles = per.flatMap((p) => (p.cycles !== undefined ? [p.cycles] : []));
  const spread = relativeSpread(instructions);
  const metrics: Metric[] = [
    {
      id: `${id}.instructions`,
      unit: "instr/op",
      direction: "lower",
      // Seven digits: two processes agree to parts per million, five would hide that.
      samples: instructions.map((v) => significant(v, 7)),
      summary: summarize(instructions),
      tags: { ...tags, tool: "callgrind" },
    },
  ];
  if (cycles.length === per.length) {
    metrics.push({
      id: `${id}.est-cycles`,
      unit: "cycles/op",
      direction: "lower",
      samples: cycles.map((v) => significant(v, 7)),
      value: significant(median(cycles), 7),
      tags: { ...tags, tool: "callgrind", model: "L1 hit 1, LL hit 5, RAM 35" },
    });
  }
  const warnings: Omit<QualityWarning, "suite">[] = [];
  if (spread > MAX_INSTRUCTION_SPREAD) {
    warnings.push({
      code: "unstable",
      metric: `${id}.instructions`,
      message: `${id}.instructions: counts differ by ${(spread * 100).toFixed(2)}% between ${per.length} processes (limit ${MAX_INSTRUCTION_SPREAD * 100}%): not deterministic, not trusted`,
    });
  }
  return {
    metrics,
    counts: {
      instructionsPerOp: median(instructions),
      ...(cycles.length === per.length ? { cyclesPerOp: median(cycles) } : {}),
      spread,
    },
    warnings,
  };
}
