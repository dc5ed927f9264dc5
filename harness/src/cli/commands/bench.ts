import path from "node:path";
import { findProjectConfig } from "../../config/load.ts";
import { BENCH_PROFILES, type BenchProfileName, runBench } from "../../pipeline/bench.ts";
import { formatBenchTable } from "../../render/bench-table.ts";
import { parseMeasure } from "../../runners/microbench-config.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import { choiceFlag, elapsedLogger, integerFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const OPTIONS = {
  profile: { type: "string", default: "quick" },
  suite: { type: "string", multiple: true },
  processes: { type: "string" },
  "foreign-load-retries": { type: "string" },
  "hash-seed": { type: "string", multiple: true },
  replay: { type: "string" },
  measure: { type: "string" },
} as const;

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
    const profile = choiceFlag(
      "bench",
      "profile",
      values.profile,
      Object.keys(BENCH_PROFILES) as BenchProfileName[],
    );
    const positive = (flag: string, value: string) =>
      integerFlag("bench", flag, value, 1, 1_000_000);
    const log = elapsedLogger("bench", io.err);
    const include = (await findProjectConfig(io.cwd))?.config.microbench?.include;
    const { run, rows, runDir } = await runBench({
      root: io.cwd,
      include,
      profile,
      ...(values.suite ? { suites: values.suite } : {}),
      ...(values.processes ? { processes: positive("processes", values.processes) } : {}),
      ...(values["foreign-load-retries"] !== undefined
        ? {
            foreignLoadRetries: positive("foreign-load-retries", values["foreign-load-retries"]),
          }
        : {}),
      ...(values["hash-seed"]
        ? { hashSeeds: values["hash-seed"].map((s) => positive("hash-seed", s)) }
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
    return runExitCode(run);
  },
};
