import path from "node:path";
import { type BenchRow, normalizeMicrobench } from "../adapters/microbench.ts";
import { writeScratchRun } from "../history/run-store.ts";
import {
  makeRunId,
  readEnvironment,
  readGitInfo,
  readLoadAverage,
} from "../runners/environment.ts";
import {
  DEFAULT_HASH_SEEDS,
  type InstructionSettings,
  type MicrobenchMeasure,
  readRawDir,
  runMicrobench,
} from "../runners/microbench.ts";
import { instructionSettings, readMicrobenchConfig } from "../runners/microbench-config.ts";
import {
  EXIT,
  HarnessError,
  parseRunResult,
  type RunResult,
  SCHEMA_VERSION,
} from "../schema/index.ts";

/** Measurement settings per profile; quick stays under ~3 minutes on 2 shared cores. */
export const BENCH_PROFILES = {
  quick: { processes: 5, budgetMs: 50, warmupMs: 30, includeSlow: false, foreignLoadRetries: 0 },
  full: { processes: 7, budgetMs: 300, warmupMs: 200, includeSlow: true, foreignLoadRetries: 1 },
} as const;
export type BenchProfileName = keyof typeof BENCH_PROFILES;

export interface RunBenchOptions {
  root: string;
  /** Suite globs (perfgate.config.ts `microbench.include`). */
  include?: readonly string[] | undefined;
  profile: BenchProfileName;
  /** Suite ids (file names without `.bench.ts`); picking suites also runs their slow groups. */
  suites?: readonly string[];
  processes?: number;
  hashSeeds?: readonly number[];
  /** Re-runs of a process that overlapped foreign CPU load; the profile's default otherwise. */
  foreignLoadRetries?: number;
  /** Rounds (hash-seed indices) to run; see MicrobenchRunOptions.rounds. */
  rounds?: readonly number[];
  /** Re-normalize the raw records of an earlier run instead of measuring. */
  replayRawDir?: string;
  /** time or instructions; harness/config/microbench.json's `measure` otherwise. */
  measure?: MicrobenchMeasure;
  instructions?: InstructionSettings;
  signal: AbortSignal;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface RunBenchResult {
  run: RunResult;
  rows: BenchRow[];
  /** `.perf/<runId>/`: raw records and `run.json`. */
  runDir: string;
}

/**
 * Microbench stage for `perfgate bench`, the lead's pipeline and `compare`: run the suites in
 * fresh processes, keep the raw records, normalize them and write a validated run record to
 * `.perf/<runId>/run.json` (committing it to reports/ is the history store's job).
 */
export async function runBench(options: RunBenchOptions): Promise<RunBenchResult> {
  const now = options.now ?? (() => new Date());
  const settings = BENCH_PROFILES[options.profile];
  const startedAt = now();
  const git = await readGitInfo(options.root);
  const runId = makeRunId(startedAt, git.shortSha);
  const perfDir = path.join(options.root, ".perf");
  const runDir = path.join(perfDir, runId);
  const rawDir = options.replayRawDir ?? path.join(runDir, "raw", "microbench");
  const processes = options.processes ?? settings.processes;
  const env = readEnvironment({}, options.env);
  const config = await readMicrobenchConfig(options.root);
  const measure = options.measure ?? config.measure;
  const output = options.replayRawDir
    ? {
        raws: await readRawDir(options.replayRawDir),
        failures: [],
        interrupted: false,
        versions: undefined,
      }
    : await runMicrobench({
        root: options.root,
        rawDir,
        buildDir: path.join(runDir, "build", "microbench"),
        include: options.include,
        suites: options.suites ?? [],
        includeSlow: settings.includeSlow || (options.suites?.length ?? 0) > 0,
        processes,
        ...(options.rounds ? { rounds: options.rounds } : {}),
        hashSeeds: options.hashSeeds ?? DEFAULT_HASH_SEEDS,
        budgetMs: settings.budgetMs,
        warmupMs: settings.warmupMs,
        foreignLoadRetries: options.foreignLoadRetries ?? settings.foreignLoadRetries,
        measure,
        instructions: options.instructions ?? instructionSettings(config),
        signal: options.signal,
        log: options.log,
      });
  const first = output.raws[0];
  const tools = output.versions ?? {
    mitata: first?.mitata?.version ?? "unknown",
    tinybench: first?.tinybench?.version ?? "unknown",
  };
  const { suites, warnings, rows } = normalizeMicrobench({ ...output, tools });
  if (suites.length === 0) {
    throw new HarnessError("E_MICROBENCH_EMPTY", "bench: no case produced a result", {
      hint: output.failures[0]?.message ?? "check that microbench/ holds *.bench.ts suites",
      exitCode: EXIT.toolFailed,
    });
  }
  const run = parseRunResult(
    {
      schemaVersion: SCHEMA_VERSION,
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      status: output.interrupted ? "interrupted" : "complete",
      profile: options.profile,
      git,
      env: { ...env, tools, loadAvgAfter: readLoadAverage() },
      suites,
      verdicts: [],
      warnings,
    },
    `bench run ${runId}`,
  );
  await writeScratchRun(perfDir, run);
  return { run, rows, runDir };
}
