import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FOREIGN_LOAD_LIMIT, foreignCores, MicrobenchRaw } from "../adapters/microbench-raw.ts";
import { EXIT, formatIssues, HarnessError } from "../schema/index.ts";
import { spawnBounded } from "./bounded-process.ts";
import { buildMicrobench } from "./microbench-build.ts";
import {
  INSTRUCTION_HASH_SEED,
  requireValgrind,
  runInstructionWorker,
  type ValgrindInfo,
} from "./microbench-instructions.ts";
import { findSuiteFiles, loadSuite } from "./microbench-suites.ts";
import type { WorkerJob } from "./microbench-worker.ts";

/** V8 hash seeds shared by every run, so two runs pair process i with process i (same Map layouts). */
export const DEFAULT_HASH_SEEDS = [11, 23, 37, 41, 53, 67, 79, 83, 97, 101] as const;

export interface MicrobenchRunOptions {
  root: string;
  /** Suite globs (perfgate.config.ts `microbench.include`); default `microbench/*.bench.ts`. */
  include?: readonly string[] | undefined;
  /** Where raw records go: `.perf/<runId>/raw/microbench/`. */
  rawDir: string;
  /** Where the compiled worker and suites go: `.perf/<runId>/build/microbench/`. */
  buildDir: string;
  /** Suite ids to run; empty = all `microbench/*.bench.ts`. */
  suites?: readonly string[];
  /** Only these cases, as `suite/group/case` (compare's confirmation round, the evaluation). */
  cases?: ReadonlySet<string>;
  /** Include groups marked `slow` (the full profile, or a suite picked by name). */
  includeSlow: boolean;
  /** Processes per case (>= 5 for a usable spread). */
  processes: number;
  /**
   * Which rounds (hash-seed indices) to run, default 0..processes-1. `compare` runs one round
   * of the base and then the same round of the head, so both sides pair by seed.
   */
  rounds?: readonly number[];
  hashSeeds?: readonly number[];
  /** Seed of generated inputs; the same on both sides of a comparison. */
  inputSeed?: number;
  budgetMs: number;
  warmupMs: number;
  /** Re-runs allowed per process that overlapped foreign CPU load (> 0.1 core); default 0. */
  foreignLoadRetries?: number;
  /** Kill a worker that runs longer than this. */
  timeoutMs?: number;
  /** Injected slowdown in percent (detector self-evaluation only); see WorkerJob.slowdownPct. */
  slowdownPct?: number;
  /** `instructions`: also count each process's instructions under callgrind (see `instructions`). */
  measure?: MicrobenchMeasure;
  /** Instruction-mode settings; `timing: false` skips the timed process (evaluation, tests). */
  instructions?: InstructionSettings;
  signal: AbortSignal;
  log: (line: string) => void;
}

export const MICROBENCH_MEASURES = ["time", "instructions"] as const;
export type MicrobenchMeasure = (typeof MICROBENCH_MEASURES)[number];

export interface InstructionSettings {
  /** Calls in the first measured region (the second has twice as many); default 10. */
  calls?: number;
  /** Untimed calls before the regions; default 20. */
  warmupCalls?: number;
  /** Simulate caches for estimated cycles; default true. */
  cacheSim?: boolean;
  /** Run the timed process too (wall time beside the counts); default true. */
  timing?: boolean;
  /** Deterministic extra work per call, in spin iterations (evaluation only). */
  extraWork?: number;
  /** Also count spin(n) and spin(2n) (the evaluation sizes extraWork from it). */
  spinIterations?: number;
  /** Per-process limit; callgrind is ~50-100x slower than native. Default 600 s. */
  timeoutMs?: number;
}

export interface MicrobenchFailure {
  suite: string;
  group: string;
  case: string;
  round: number;
  message: string;
}

export interface MicrobenchRunOutput {
  raws: MicrobenchRaw[];
  failures: MicrobenchFailure[];
  interrupted: boolean;
  versions: { mitata: string; tinybench: string };
}

/** Version of an installed package, found from its entry point (some export no package.json). */
function packageVersion(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  while (path.dirname(dir) !== dir) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return "unknown";
}

interface PlannedCase {
  file: string;
  suite: string;
  group: string;
  case: string;
}

/**
 * Deterministic interleaving: every round visits every case once, in an order rotated by the
 * round, so no case always runs first (warm machine) or right after a heavy neighbour.
 */
export function planSchedule<T>(
  cases: readonly T[],
  rounds: number,
): { round: number; item: T; index: number }[] {
  const out: { round: number; item: T; index: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const offset = Math.floor((round * cases.length) / rounds);
    const order =
      round % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
    for (let k = 0; k < cases.length; k++) {
      const index = order[(k + offset) % cases.length] as number;
      out.push({ round, item: cases[index] as T, index });
    }
  }
  return out;
}

function checkRounds(roundList: readonly number[], seeds: readonly number[]): void {
  if (roundList.some((r) => !Number.isInteger(r) || r < 0 || r >= seeds.length)) {
    throw new HarnessError(
      "E_USAGE",
      `bench: rounds ${roundList.join(",")} need a hash seed each, got ${seeds.length} seeds`,
      {
        hint: "pass more --hash-seed values or fewer --processes",
        exitCode: EXIT.usage,
      },
    );
  }
}

async function planCases(files: string[], options: MicrobenchRunOptions): Promise<PlannedCase[]> {
  const planned: PlannedCase[] = [];
  for (const file of files) {
    const suite = await loadSuite(file);
    for (const group of suite.groups) {
      if (group.slow && !options.includeSlow) continue;
      for (const c of group.cases) {
        if (options.cases && !options.cases.has(`${suite.id}/${group.id}/${c.id}`)) continue;
        planned.push({ file, suite: suite.id, group: group.id, case: c.id });
      }
    }
  }
  return planned;
}

/** Foreign load on a shared machine skews a sample; `foreignLoadRetries` bounds the re-runs. */
async function retryForeignLoad(
  options: MicrobenchRunOptions,
  first: MicrobenchRaw,
  outFile: string,
  label: string,
  run: (outFile: string) => Promise<{ error?: string }>,
): Promise<MicrobenchRaw> {
  let raw = first;
  for (let retry = 1; retry <= (options.foreignLoadRetries ?? 0); retry++) {
    if (foreignCores(raw) <= FOREIGN_LOAD_LIMIT || options.signal.aborted) break;
    // Re-run a sample that overlapped other work; keep whichever saw less of it.
    const retryFile = outFile.replace(/\.json$/, `.retry${retry}.tmp`);
    if ((await run(retryFile)).error !== undefined) break;
    const again = await readRawFile(retryFile);
    options.log(
      `${label}: foreign load ${foreignCores(raw).toFixed(2)} cores, re-ran: ${foreignCores(again).toFixed(2)}`,
    );
    if (foreignCores(again) < foreignCores(raw)) {
      // The counts do not depend on load: keep them with the quieter timing.
      raw = raw.instructions ? { ...again, instructions: raw.instructions } : again;
      await writeFile(outFile, `${JSON.stringify(raw)}\n`);
      await rm(retryFile, { force: true });
    } else {
      await rm(retryFile, { force: true });
    }
  }
  return raw;
}

/**
 * Runs every selected case in `processes` fresh `node --expose-gc --hash-seed=<s>` processes,
 * interleaved, one at a time, and writes each process's raw record under `rawDir` first.
 */
export async function runMicrobench(options: MicrobenchRunOptions): Promise<MicrobenchRunOutput> {
  const seeds = options.hashSeeds ?? DEFAULT_HASH_SEEDS;
  const roundList = options.rounds ?? Array.from({ length: options.processes }, (_, i) => i);
  checkRounds(roundList, seeds);
  const files = await findSuiteFiles(options.root, options.suites, options.include);
  const planned = await planCases(files, options);
  const built = await buildMicrobench(files, options.buildDir);
  const versions = { mitata: packageVersion("mitata"), tinybench: packageVersion("tinybench") };
  const schedule = planSchedule(planned, roundList.length).map((step) => ({
    ...step,
    round: roundList[step.round] as number,
  }));
  const raws: MicrobenchRaw[] = [];
  const failures: MicrobenchFailure[] = [];
  const valgrind = options.measure === "instructions" ? requireValgrind() : undefined;
  const timing = valgrind === undefined || options.instructions?.timing !== false;
  let done = 0;
  for (const { round, item, index } of schedule) {
    if (options.signal.aborted) break;
    const dir = path.join(options.rawDir, item.suite, item.group);
    await mkdir(dir, { recursive: true });
    const job: WorkerJob = {
      file: built.suites.get(item.file) as string,
      group: item.group,
      case: item.case,
      round,
      hashSeed: seeds[round] as number,
      inputSeed: options.inputSeed ?? 1,
      toolOrder: (round + index) % 2 === 0 ? ["mitata", "tinybench"] : ["tinybench", "mitata"],
      budgetMs: options.budgetMs,
      warmupMs: options.warmupMs,
      versions,
      outFile: path.join(dir, `${item.case}.r${round}.json`),
      ...(options.slowdownPct !== undefined ? { slowdownPct: options.slowdownPct } : {}),
    };
    const label = `${item.suite}/${item.group}/${item.case} r${round}`;
    const run = (outFile: string) =>
      runWorker(
        options.root,
        built.worker,
        { ...job, outFile },
        options.timeoutMs ?? 120_000,
        options.signal,
      );
    const result = timing ? await run(job.outFile) : {};
    done++;
    const counted =
      valgrind && result.error === undefined
        ? await countInstructions(options, valgrind, built.worker, job)
        : undefined;
    if (counted?.error !== undefined) result.error = counted.error;
    if (result.error !== undefined) {
      if (options.signal.aborted) break;
      failures.push({
        suite: item.suite,
        group: item.group,
        case: item.case,
        round,
        message: result.error,
      });
      options.log(`[${done}/${schedule.length}] ${label}: failed: ${result.error.split("\n")[0]}`);
      continue;
    }
    if (!timing && counted?.raw) {
      raws.push(counted.raw);
      options.log(`[${done}/${schedule.length}] ${label}: ${describeCounts(counted.raw)}`);
      continue;
    }
    let raw = await readRawFile(job.outFile);
    if (counted?.raw?.instructions) {
      raw = { ...raw, instructions: counted.raw.instructions };
      await writeFile(job.outFile, `${JSON.stringify(raw)}\n`);
    }
    raw = await retryForeignLoad(options, raw, job.outFile, label, run);
    raws.push(raw);
    options.log(`[${done}/${schedule.length}] ${label} seed ${job.hashSeed}: ${describe(raw)}`);
  }
  return { raws, failures, interrupted: options.signal.aborted, versions };
}

function describe(raw: MicrobenchRaw): string {
  const ns = raw.mitata?.stats.p50;
  const rate = ns
    ? `${((raw.case.ops / ns) * 1e3).toFixed(2)} Mops/s (mitata p50)`
    : "no mitata result";
  const counts = raw.instructions ? `, ${describeCounts(raw)}` : "";
  return `${rate}, foreign load ${foreignCores(raw).toFixed(2)} cores${counts}`;
}

function describeCounts(raw: MicrobenchRaw): string {
  const i = raw.instructions;
  if (!i) return "no instruction counts";
  const perOp = ((i.double.Ir ?? 0) - (i.single.Ir ?? 0)) / i.calls / raw.case.ops;
  return `${perOp.toFixed(1)} instructions/op (callgrind, ${(i.processMs / 1000).toFixed(0)} s)`;
}

/** The same case once more under callgrind, into a file of its own (then merged). */
function countInstructions(
  options: MicrobenchRunOptions,
  valgrind: ValgrindInfo,
  worker: string,
  job: WorkerJob,
) {
  const settings = options.instructions ?? {};
  const timing = settings.timing !== false;
  return runInstructionWorker({
    root: options.root,
    worker,
    job: {
      ...job,
      hashSeed: INSTRUCTION_HASH_SEED,
      toolOrder: [],
      outFile: timing ? job.outFile.replace(/\.json$/, ".callgrind.tmp") : job.outFile,
      instructions: {
        calls: settings.calls ?? 10,
        warmupCalls: settings.warmupCalls ?? 20,
        extraWork: settings.extraWork ?? 0,
        ...(settings.spinIterations ? { spinIterations: settings.spinIterations } : {}),
      },
    },
    valgrind,
    cacheSim: settings.cacheSim ?? true,
    timeoutMs: settings.timeoutMs ?? 600_000,
    signal: options.signal,
  }).then(async (result) => {
    if (timing) await rm(job.outFile.replace(/\.json$/, ".callgrind.tmp"), { force: true });
    return result;
  });
}

function runWorker(
  root: string,
  worker: string,
  job: WorkerJob,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ error?: string }> {
  const args = ["--expose-gc", `--hash-seed=${job.hashSeed}`, worker, JSON.stringify(job)];
  return spawnBounded("worker", process.execPath, args, root, timeoutMs, signal);
}

/** Reads and validates one raw record, naming the file and field on failure. */
export async function readRawFile(file: string): Promise<MicrobenchRaw> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new HarnessError("E_MICROBENCH_RAW", `${file}: not a JSON raw record`, {
      hint: "rerun the case; the worker was interrupted",
      cause,
    });
  }
  const parsed = MicrobenchRaw.safeParse(data);
  if (!parsed.success) {
    throw new HarnessError(
      "E_MICROBENCH_RAW",
      `${file}: invalid raw record\n  ${formatIssues(parsed.error.issues).join("\n  ")}`,
      {
        hint: "the raw format is harness/src/adapters/microbench-raw.ts",
        exitCode: EXIT.schema,
      },
    );
  }
  return parsed.data;
}

/** Every raw record under a run's `raw/microbench/` directory, to replay a run offline. */
export async function readRawDir(dir: string): Promise<MicrobenchRaw[]> {
  const entries = await readdir(dir, { recursive: true });
  const files = entries.filter((e) => e.endsWith(".json")).sort();
  return Promise.all(files.map((f) => readRawFile(path.join(dir, f))));
}
