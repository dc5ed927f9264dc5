import path from "node:path";
import { type BenchRow, normalizeMicrobench } from "../../adapters/microbench.ts";
import { findConfigFile, loadConfig } from "../../config/load.ts";
import { writeScratchRun } from "../../history/run-store.ts";
import {
  makeRunId,
  readEnvironment,
  readGitInfo,
  readLoadAverage,
} from "../../runners/environment.ts";
import {
  DEFAULT_HASH_SEEDS,
  type InstructionSettings,
  type MicrobenchMeasure,
  readRawDir,
  runMicrobench,
} from "../../runners/microbench.ts";
import {
  instructionSettings,
  parseMeasure,
  readMicrobenchConfig,
} from "../../runners/microbench-config.ts";
import {
  EXIT,
  HarnessError,
  parseRunResult,
  type RunResult,
  SCHEMA_VERSION,
} from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

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

function rate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e8 ? 0 : 1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** The terminal table: per group, each case's ops/s, spread, ratio to the baseline and tinybench's view. */
export function formatBenchTable(rows: readonly BenchRow[]): string {
  const lines: string[] = [];
  let current = "";
  for (const row of rows) {
    const key = `${row.suite}/${row.group}`;
    if (key !== current) {
      current = key;
      const baseline = rows.find(
        (r) => r.suite === row.suite && r.group === row.group && r.role === "baseline",
      );
      lines.push(
        "",
        `${key} — ${row.groupTitle}`,
        `  ${"case".padEnd(17)}${"ops/s".padStart(8)}${"CV".padStart(7)}  ${`vs ${baseline?.case ?? "baseline"} [range]`.padEnd(24)}${"tinybench".padStart(10)}${"agree".padStart(7)}  extra`,
      );
    }
    const ratio = row.ratio
      ? `${row.ratio.median.toFixed(2)}× [${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)}]`
      : row.role === "baseline"
        ? "1.00×"
        : "-";
    const extra = [
      row.hitRate !== undefined ? `hit ${(row.hitRate * 100).toFixed(1)}%` : "",
      row.gcPerMillionOps !== undefined
        ? `gc ${row.gcPerMillionOps.toFixed(1)}/Mop ${row.gcTimePercent?.toFixed(1)}% time`
        : "",
      row.fixedWorkRatio
        ? `fixed work ${rate(row.fixedWorkOpsPerSec)} ${row.fixedWorkRatio.median.toFixed(2)}× [${row.fixedWorkRatio.min.toFixed(2)}–${row.fixedWorkRatio.max.toFixed(2)}]`
        : row.fixedWorkOpsPerSec !== undefined
          ? `fixed work ${rate(row.fixedWorkOpsPerSec)}`
          : "",
      row.instructionsPerOp !== undefined
        ? `${row.instructionsPerOp.toFixed(1)} instr/op${row.cyclesPerOp !== undefined ? ` ~${row.cyclesPerOp.toFixed(1)} cycles/op` : ""} ±${((row.instructionSpread ?? 0) * 100).toFixed(3)}%`
        : "",
      row.estimator === "mean" ? "mean" : "",
      row.processes !== 0 ? `n=${row.processes}` : "",
      row.warnings.length > 0 ? `⚠ ${[...new Set(row.warnings)].join(",")}` : "",
    ].filter(Boolean);
    lines.push(
      `${row.role === "subject" ? "*" : " "} ${row.case.padEnd(17)}${rate(row.opsPerSec).padStart(8)}${`${(row.cv * 100).toFixed(1)}%`.padStart(7)}  ${ratio.padEnd(24)}${rate(row.tinybenchOpsPerSec).padStart(10)}${(row.toolRatio?.toFixed(2) ?? "-").padStart(7)}  ${extra.join("  ")}`,
    );
  }
  lines.push(
    "",
    "* = the app's own code. ops/s: median over processes of each process's estimate (mitata); CV across processes;",
    "ratio per process pair with the same hash seed; agree = tinybench / mitata. Ratios from one run on one machine.",
  );
  if (rows.some((r) => r.instructionsPerOp !== undefined))
    lines.push(
      "instr/op (--measure instructions): callgrind's count per op, median over processes, ± its spread between them.",
    );
  return `${lines.join("\n")}\n`;
}

const OPTIONS = {
  profile: { type: "string", default: "quick" },
  suite: { type: "string", multiple: true },
  processes: { type: "string" },
  "foreign-load-retries": { type: "string" },
  "hash-seed": { type: "string", multiple: true },
  replay: { type: "string" },
  measure: { type: "string" },
} as const;

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new HarnessError("E_USAGE", `bench: --${flag} "${value}" is not a positive integer`, {
      hint: `e.g. --${flag} 5`,
      exitCode: EXIT.usage,
    });
  }
  return n;
}

/** `perfgate bench`: microbenchmark suites, one case per fresh process, table + run record. */
export const benchCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench [options]",
    flags: {
      profile: "bench profile: quick or full",
      measure:
        "time (wall clock, mitata) or instructions (callgrind counts per op; default from harness/config/microbench.json)",
      suite: "run only this suite id (a microbench file's base name)",
      processes: "fresh processes per case (default: the profile's)",
      "foreign-load-retries": "re-runs of a case measured while the machine was busy",
      "hash-seed": "V8 hash seed of a process; repeat for several",
      replay: "re-summarize the raw records of an earlier run's folder instead of measuring",
    },
    examples: ["perfgate bench", "perfgate bench --profile full --suite lru"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("bench", argv, OPTIONS);
    const profile = values.profile;
    if (!Object.hasOwn(BENCH_PROFILES, profile)) {
      throw new HarnessError("E_USAGE", `bench: --profile "${profile}" is not a profile`, {
        hint: `choose one of: ${Object.keys(BENCH_PROFILES).join(", ")}`,
        exitCode: EXIT.usage,
      });
    }
    const started = Date.now();
    const log = (line: string) =>
      io.err(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
    const configFile = findConfigFile(io.cwd);
    const include = configFile
      ? (await loadConfig(configFile)).config.microbench?.include
      : undefined;
    const { run, rows, runDir } = await runBench({
      root: io.cwd,
      include,
      profile: profile as BenchProfileName,
      ...(values.suite ? { suites: values.suite } : {}),
      ...(values.processes ? { processes: positiveInteger("processes", values.processes) } : {}),
      ...(values["foreign-load-retries"] !== undefined
        ? {
            foreignLoadRetries: positiveInteger(
              "foreign-load-retries",
              values["foreign-load-retries"],
            ),
          }
        : {}),
      ...(values["hash-seed"]
        ? { hashSeeds: values["hash-seed"].map((s) => positiveInteger("hash-seed", s)) }
        : {}),
      ...(values.replay ? { replayRawDir: path.resolve(io.cwd, values.replay) } : {}),
      ...(values.measure ? { measure: parseMeasure("bench", values.measure) } : {}),
      signal: io.signal,
      log,
      env: io.env,
    });
    io.out(formatBenchTable(rows));
    log(
      `wrote ${path.relative(io.cwd, path.join(runDir, "run.json"))} (${run.warnings.length} quality warnings)`,
    );
    if (run.status === "interrupted") return EXIT.interrupted;
    if (run.suites.some((s) => s.status === "errored")) return EXIT.toolFailed;
    return EXIT.ok;
  },
};
