import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../history/atomic-write.ts";
import { type EvaluationPool, type EvaluationRow, simulateDetector } from "../report/evaluation.ts";
import {
  type StabilityRun,
  stabilityMetrics,
  stabilityRows,
} from "../report/lighthouse-stability.ts";
import { startAppProcess } from "../runners/app.ts";
import { measureLoadPasses, measureMicrobenchBlock, type Side } from "../runners/compare-blocks.ts";
import { findValgrind } from "../runners/microbench-instructions.ts";
import { type BlockSample, EXIT, HarnessError, type Metric, type Suite } from "../schema/index.ts";
import { seededRandom } from "../stats/index.ts";
import { parseGates } from "../verdicts/gates.ts";
import { instructionPools } from "./instruction-evaluation.ts";
import { measureStability } from "./lighthouse-evaluation.ts";

export interface EvaluateOptions {
  root: string;
  /** Re-decide on the blocks an earlier evaluation kept in .perf/evaluate/ instead of measuring. */
  replay?: boolean;
  /** Blocks measured per condition; every simulated compare draws from these. */
  poolBlocks: number;
  blocks: number;
  confirmBlocks: number;
  draws: number;
  sizes: readonly number[];
  seed: number;
  signal: AbortSignal;
  log: (line: string) => void;
  today: string;
  /** Which detectors to evaluate; default all three. */
  modes?: readonly EvaluationMode[];
  /** Lighthouse stability: Chromium to run it with (none: the row is skipped, and said) and runs per condition. */
  lighthouse?: { chromePath: string | undefined; runs: number };
  /** Instruction mode (runners/instruction-evaluation.ts): its own pools and compare size. */
  instructions?: {
    sizes: readonly number[];
    poolBlocks: number;
    blocks: number;
    confirmBlocks: number;
  };
}

export const EVALUATION_MODES = ["time", "instructions", "lighthouse"] as const;
export type EvaluationMode = (typeof EVALUATION_MODES)[number];

/** The microbench case and load endpoint the evaluation injects slowdowns into. */
export const EVALUATION_CASE = "lru/get-90-10/app";
export const EVALUATION_TARGETS = [
  "microbench/lru/get-90-10/app",
  "load/products-list/latency_p95",
  "load/products-list/requests_rate",
];

/**
 * Measure one pool of blocks: the same tree on both sides, the head with `slowdownPct` injected
 * (the app's PERFGATE_APP_SLOWDOWN_PCT and the microbench worker's proportional busy work).
 * Both apps stay up for the pool and are measured alternately, never at once.
 */
async function measurePool(options: EvaluateOptions, slowdownPct: number): Promise<EvaluationPool> {
  const { root, signal } = options;
  const workDir = path.join(root, ".perf", "evaluate", `slowdown-${slowdownPct}`);
  const base: Side = { label: "base", root, appEnv: {}, benchSlowdownPct: 0 };
  const head: Side = {
    label: "head",
    root,
    appEnv: slowdownPct > 0 ? { PERFGATE_APP_SLOWDOWN_PCT: String(slowdownPct) } : {},
    benchSlowdownPct: slowdownPct,
  };
  const baseApp = await startAppProcess({ root, signal, env: base.appEnv ?? {} });
  const headApp = await startAppProcess({ root, signal, env: head.appEnv ?? {} }).catch(
    async (error) => {
      await baseApp.stop();
      throw error;
    },
  );
  const apps = { base: baseApp, head: headApp };
  const samples: BlockSample[] = [];
  const start = seededRandom(options.seed + slowdownPct)() < 0.5 ? 0 : 1;
  try {
    for (let block = 0; block < options.poolBlocks && !signal.aborted; block++) {
      // Balanced ABBA order, as in compare.
      const order = (block + start) % 2 === 0 ? [base, head] : [head, base];
      for (const side of order) {
        samples.push(
          ...(await measureMicrobenchBlock({
            side,
            block,
            suites: [EVALUATION_CASE.split("/")[0] as string],
            only: new Set([EVALUATION_CASE]),
            workDir: path.join(workDir, "microbench"),
            budgetMs: 50,
            signal,
            log: options.log,
          })),
        );
      }
      for (const side of order) {
        samples.push(
          ...(await measureLoadPasses({
            side,
            block,
            url: apps[side.label].url,
            endpoints: [{ id: "products-list", path: "/api/products?limit=20" }],
            connections: 10,
            durationSeconds: 2,
            warmupSeconds: 1,
            workDir: path.join(workDir, "load"),
            signal,
          })),
        );
      }
      options.log(`slowdown ${slowdownPct}%: block ${block + 1}/${options.poolBlocks}`);
    }
  } finally {
    await Promise.all([apps.base.stop(), apps.head.stop()]);
  }
  // Kept so the detector can be replayed on the same blocks (`--replay`) without re-measuring.
  await writeFileAtomic(path.join(workDir, "samples.json"), `${JSON.stringify(samples)}\n`);
  return { slowdownPct, samples };
}

async function readPool(root: string, slowdownPct: number): Promise<EvaluationPool> {
  const file = path.join(root, ".perf", "evaluate", `slowdown-${slowdownPct}`, "samples.json");
  const text = await readFile(file, "utf8").catch(() => {
    throw new HarnessError(
      "E_USAGE",
      `evaluate --replay: no kept blocks in ${path.relative(root, file)}`,
      {
        hint: "run npm run evaluate once without --replay (with the same --sizes)",
        exitCode: EXIT.usage,
      },
    );
  });
  return { slowdownPct, samples: JSON.parse(text) as BlockSample[] };
}

/** The Lighthouse stability runs (idle, burned), when asked for and Chromium is here. */
async function lighthouseStability(
  options: EvaluateOptions,
  modes: readonly EvaluationMode[],
): Promise<StabilityRun[]> {
  if (!modes.includes("lighthouse") || options.replay || options.signal.aborted) return [];
  const chromePath = options.lighthouse?.chromePath;
  if (!chromePath) {
    options.log("lighthouse stability skipped: no Chromium found (apt-get install chromium)");
    return [];
  }
  return measureStability({
    root: options.root,
    chromePath,
    runs: options.lighthouse?.runs ?? 3,
    signal: options.signal,
    log: options.log,
  });
}

/** `npm run evaluate`: A/A and injected slowdowns, measured, then the detector replayed on them. */
export async function runEvaluation(options: EvaluateOptions): Promise<{
  rows: EvaluationRow[];
  instructionRows: EvaluationRow[];
  lighthouseRuns: StabilityRun[];
  suite: Suite;
}> {
  const gatesFile = "harness/config/gates.json";
  const gates = parseGates(await readFile(path.join(options.root, gatesFile), "utf8"), gatesFile);
  const rows: EvaluationRow[] = [];
  const modes = options.modes ?? ["time", "instructions", "lighthouse"];
  for (const size of modes.includes("time") ? [0, ...options.sizes] : []) {
    if (options.signal.aborted) break;
    const pool = options.replay
      ? await readPool(options.root, size)
      : await measurePool(options, size);
    rows.push(
      ...simulateDetector(pool, gates, {
        blocks: options.blocks,
        confirmBlocks: options.confirmBlocks,
        draws: options.draws,
        seed: options.seed,
        today: options.today,
        targets: EVALUATION_TARGETS,
      }),
    );
  }
  const instructionRows: EvaluationRow[] = [];
  const counted = options.instructions;
  const valgrind = counted && modes.includes("instructions") ? findValgrind() : undefined;
  if (counted && modes.includes("instructions") && !valgrind && !options.replay)
    options.log(
      "instruction rows skipped: valgrind is not installed (apt-get install -y valgrind)",
    );
  if (
    counted &&
    modes.includes("instructions") &&
    (valgrind || options.replay) &&
    !options.signal.aborted
  ) {
    const metric = `microbench/${EVALUATION_CASE}/instructions`;
    const pools = await instructionPools({
      root: options.root,
      caseId: EVALUATION_CASE,
      sizes: counted.sizes,
      poolBlocks: counted.poolBlocks,
      ...(options.replay ? { replay: true } : {}),
      signal: options.signal,
      log: options.log,
    });
    for (const pool of pools) {
      const simulated = simulateDetector(pool, gates, {
        ...counted,
        draws: options.draws,
        seed: options.seed,
        today: options.today,
        targets: [metric],
      });
      instructionRows.push(
        ...simulated.map((row) =>
          row.metric === "any gated metric"
            ? { ...row, metric: "any gated metric (counted)" }
            : row,
        ),
      );
    }
  }
  const lighthouseRuns = await lighthouseStability(options, modes);
  const metrics: Metric[] = [...rows, ...instructionRows].map((row) => ({
    id:
      row.slowdownPct === 0
        ? `false_alarms/${row.metric}`
        : `power@${row.slowdownPct}%/${row.metric}`,
    unit: "ratio",
    direction: row.slowdownPct === 0 ? "lower" : "higher",
    value: row.rate,
    tags: {
      draws: String(row.draws),
      mde: row.mdePct === null ? "n/a" : `${row.mdePct.toFixed(2)}%`,
    },
  }));
  metrics.push(...stabilityMetrics(stabilityRows(lighthouseRuns)));
  return {
    rows,
    instructionRows,
    lighthouseRuns,
    suite: {
      kind: "evaluation",
      id: "detector",
      tool: { name: "perfgate-compare", version: "1" },
      status: options.signal.aborted ? "errored" : "ok",
      ...(options.signal.aborted ? { error: "interrupted" } : {}),
      metrics,
    },
  };
}
