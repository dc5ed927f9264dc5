import type { BlockSample, MetricDecision } from "../schema/index.ts";
import { seededRandom, median as statsMedian } from "../stats/index.ts";
import type { GatesConfig } from "../verdicts/gates.ts";
import { decideComparison, isSuspect, toComparisonInputs } from "./comparison.ts";

/** Blocks measured under one condition: identical sides (A/A) or an injected slowdown. */
export interface EvaluationPool {
  slowdownPct: number;
  samples: readonly BlockSample[];
}

export interface EvaluationSettings {
  /** Blocks per simulated compare (its --blocks), and as many again for confirmation. */
  blocks: number;
  confirmBlocks: number;
  draws: number;
  seed: number;
  today: string;
  /** Metrics (suite/metric) whose detection is reported; others still count in the family. */
  targets: readonly string[];
}

export interface EvaluationRow {
  slowdownPct: number;
  /** suite/metric, or `any gated metric` for the family-wise false-alarm rate of A/A. */
  metric: string;
  /** Share of simulated compares whose final verdict was regressed (A/A: a false alarm). */
  rate: number;
  /** Median MDE (%) of the first round over the draws. */
  mdePct: number | null;
  /** The change actually measured over the whole pool (median per-block head/base − 1, in %). */
  effectPct: number | null;
  draws: number;
}

function median(values: number[]): number | null {
  return values.length === 0 ? null : statsMedian(values);
}

/**
 * The detector measured on real blocks: each draw is one simulated `compare` — `blocks` blocks
 * drawn without replacement from the pool, then, when a gated metric looks regressed, as many
 * more disjoint blocks for the confirmation round, exactly as the pipeline decides. Pure.
 */
export function simulateDetector(
  pool: EvaluationPool,
  config: GatesConfig,
  settings: EvaluationSettings,
): EvaluationRow[] {
  const ids = [...new Set(pool.samples.map((s) => s.block))].sort((a, b) => a - b);
  const needed = settings.blocks + settings.confirmBlocks;
  if (ids.length < needed)
    throw new RangeError(`the pool has ${ids.length} blocks; a draw needs ${needed}`);
  const byBlock = new Map<number, BlockSample[]>();
  for (const s of pool.samples) byBlock.set(s.block, [...(byBlock.get(s.block) ?? []), s]);
  const random = seededRandom(settings.seed + pool.slowdownPct * 7919);
  const regressed = new Map<string, number>();
  const mdes = new Map<string, number[]>();
  let anyGated = 0;
  const decide = (blocks: number[]): MetricDecision[] =>
    decideComparison(
      toComparisonInputs(blocks.flatMap((b) => byBlock.get(b) ?? [])),
      config,
      {},
      { seed: settings.seed, today: settings.today },
    );
  for (let draw = 0; draw < settings.draws; draw++) {
    const order = [...ids];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const first = decide(order.slice(0, settings.blocks));
    for (const d of first) {
      const key = `${d.suiteId}/${d.metricId}`;
      if (d.mdePct !== null) mdes.set(key, [...(mdes.get(key) ?? []), d.mdePct]);
    }
    const suspect = first.some(isSuspect);
    const final = suspect && settings.confirmBlocks > 0 ? decide(order.slice(0, needed)) : first;
    if (final.some((d) => d.status === "regressed" && d.gated)) anyGated++;
    for (const d of final) {
      const key = `${d.suiteId}/${d.metricId}`;
      if (d.status === "regressed") regressed.set(key, (regressed.get(key) ?? 0) + 1);
    }
  }
  // An injected slowdown is work added inside the app or the benchmarked call; what it does to
  // end-to-end latency or throughput is measured, not assumed.
  const effects = new Map<string, number | null>();
  for (const input of toComparisonInputs(pool.samples)) {
    const ratios = input.blocks.map((b) =>
      Math.log((median(b.head) as number) / (median(b.base) as number)),
    );
    const m = median(ratios.filter(Number.isFinite));
    effects.set(`${input.suiteId}/${input.metricId}`, m === null ? null : Math.expm1(m) * 100);
  }
  const rows: EvaluationRow[] = settings.targets.map((metric) => ({
    slowdownPct: pool.slowdownPct,
    metric,
    rate: (regressed.get(metric) ?? 0) / settings.draws,
    mdePct: median(mdes.get(metric) ?? []),
    effectPct: effects.get(metric) ?? null,
    draws: settings.draws,
  }));
  if (pool.slowdownPct === 0) {
    rows.push({
      slowdownPct: 0,
      metric: "any gated metric",
      rate: anyGated / settings.draws,
      mdePct: null,
      effectPct: null,
      draws: settings.draws,
    });
  }
  return rows;
}

/** The evaluation table (README and terminal). Pure. */
export function renderEvaluationTable(
  rows: readonly EvaluationRow[],
  settings: Pick<EvaluationSettings, "blocks" | "confirmBlocks" | "draws">,
  poolBlocks: number,
): string {
  const out = [
    `Each figure is the share of ${settings.draws} simulated compares (${settings.blocks} blocks, +${settings.confirmBlocks} to confirm a suspect) drawn from ${poolBlocks} measured blocks per condition.`,
    "",
    "| injected | metric | measured change | regressed verdicts | median MDE |",
    "|---:|---|---:|---:|---:|",
  ];
  for (const row of rows) {
    const what = row.slowdownPct === 0 ? "A/A (none)" : `+${row.slowdownPct}%`;
    const label = row.slowdownPct === 0 ? "false alarms" : "power";
    const effect =
      row.effectPct === null ? "—" : `${row.effectPct > 0 ? "+" : ""}${row.effectPct.toFixed(1)}%`;
    const mde = row.mdePct === null ? "—" : `${row.mdePct.toFixed(1)}%`;
    out.push(
      `| ${what} | ${row.metric} | ${effect} | ${(row.rate * 100).toFixed(1)}% ${label} | ${mde} |`,
    );
  }
  return `${out.join("\n")}\n`;
}
