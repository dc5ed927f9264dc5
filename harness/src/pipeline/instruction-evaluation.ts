/**
 * The instruction-mode rows of `npm run evaluate`: A/A pools and pools with a deterministic
 * injected regression (spin iterations sized to +N% of the case's own instructions per call),
 * measured in blocks exactly like `compare --measure instructions` measures them.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { countsPerOp } from "../adapters/microbench-counts.ts";
import { writeFileAtomic } from "../history/atomic-write.ts";
import type { EvaluationPool } from "../report/evaluation.ts";
import { measureMicrobenchBlock, type Side } from "../runners/compare-blocks.ts";
import { type InstructionSettings, runMicrobench } from "../runners/microbench.ts";
import { type BlockSample, EXIT, HarnessError } from "../schema/index.ts";

export interface InstructionEvaluationOptions {
  root: string;
  /** `suite/group/case`. */
  caseId: string;
  /** Injected regressions in percent; an A/A pool (0) is always measured first. */
  sizes: readonly number[];
  poolBlocks: number;
  replay?: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Counting only (no timed process), no cache simulation: the gated metric is the count. */
const SETTINGS: InstructionSettings = {
  timing: false,
  cacheSim: false,
  calls: 10,
  warmupCalls: 20,
};
const SPIN_ITERATIONS = 100_000;

function poolFile(root: string, size: number): string {
  return path.join(root, ".perf", "evaluate", `instructions-${size}`, "samples.json");
}

/**
 * Spin iterations per call that add `pct`% to the case's instructions per call: one counted
 * process gives both the case's cost per call and spin's cost per iteration.
 */
export async function extraWorkFor(
  options: InstructionEvaluationOptions,
  pcts: readonly number[],
): Promise<Map<number, number>> {
  const dir = path.join(options.root, ".perf", "evaluate", "instructions-calibration");
  const output = await runMicrobench({
    root: options.root,
    rawDir: path.join(dir, "raw"),
    buildDir: path.join(dir, "build"),
    suites: [options.caseId.split("/")[0] as string],
    cases: new Set([options.caseId]),
    includeSlow: true,
    processes: 1,
    budgetMs: 50,
    warmupMs: 30,
    measure: "instructions",
    instructions: { ...SETTINGS, spinIterations: SPIN_ITERATIONS },
    signal: options.signal,
    log: options.log,
  });
  const raw = output.raws[0];
  const perOp = raw ? countsPerOp(raw)?.instructions : undefined;
  const spin = raw?.instructions?.spin;
  if (!raw || perOp === undefined || !spin?.double.Ir) {
    throw new HarnessError("E_EVALUATE", `evaluate: cannot count ${options.caseId}`, {
      hint: output.failures[0]?.message ?? "run npm run bench -- --measure instructions to see why",
      exitCode: EXIT.toolFailed,
    });
  }
  // The 2n region is the steadier one (the n region can still hold spin's re-optimization).
  const perIteration = spin.double.Ir / (2 * spin.iterations);
  const perCall = perOp * raw.case.ops;
  options.log(
    `instructions: ${options.caseId} ${perOp.toFixed(1)} instr/op (${Math.round(perCall)} a call); spin ${perIteration.toFixed(2)} instr/iteration`,
  );
  return new Map(pcts.map((pct) => [pct, Math.round(((pct / 100) * perCall) / perIteration)]));
}

/** One pool: base (no extra work) and head (`extraWork`) of each block counted side by side. */
async function measurePool(
  options: InstructionEvaluationOptions,
  size: number,
  extraWork: number,
): Promise<EvaluationPool> {
  const workDir = path.join(options.root, ".perf", "evaluate", `instructions-${size}`);
  const base: Side = { label: "base", root: options.root, benchExtraWork: 0 };
  const head: Side = { label: "head", root: options.root, benchExtraWork: extraWork };
  const samples: BlockSample[] = [];
  for (let block = 0; block < options.poolBlocks && !options.signal.aborted; block++) {
    // Counts do not depend on load, so both sides run at once (each in its own work folder).
    const both = await Promise.all(
      [base, head].map((side) =>
        measureMicrobenchBlock({
          side,
          block,
          suites: [options.caseId.split("/")[0] as string],
          only: new Set([options.caseId]),
          workDir: path.join(workDir, "microbench"),
          budgetMs: 50,
          measure: "instructions",
          instructions: SETTINGS,
          signal: options.signal,
          log: options.log,
        }),
      ),
    );
    samples.push(...both.flat());
    options.log(`instructions +${size}%: block ${block + 1}/${options.poolBlocks}`);
  }
  await writeFileAtomic(poolFile(options.root, size), `${JSON.stringify(samples)}\n`);
  return { slowdownPct: size, samples };
}

async function readPool(root: string, size: number): Promise<EvaluationPool> {
  const file = poolFile(root, size);
  const text = await readFile(file, "utf8").catch(() => {
    throw new HarnessError(
      "E_USAGE",
      `evaluate --replay: no kept blocks in ${path.relative(root, file)}`,
      {
        hint: "run npm run evaluate once without --replay (with the same --instruction-sizes)",
        exitCode: EXIT.usage,
      },
    );
  });
  return { slowdownPct: size, samples: JSON.parse(text) as BlockSample[] };
}

/** The A/A pool and one pool per size, measured (or replayed from .perf/evaluate/). */
export async function instructionPools(
  options: InstructionEvaluationOptions,
): Promise<EvaluationPool[]> {
  const sizes = [0, ...options.sizes];
  if (options.replay) return Promise.all(sizes.map((size) => readPool(options.root, size)));
  const extra = await extraWorkFor(options, options.sizes);
  const pools: EvaluationPool[] = [];
  for (const size of sizes) {
    if (options.signal.aborted) break;
    pools.push(await measurePool(options, size, extra.get(size) ?? 0));
  }
  return pools;
}
