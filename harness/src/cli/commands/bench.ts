import path from "node:path";
import { findProjectConfig } from "../../config/load.ts";
import { BENCH_PROFILES, type BenchProfileName, runBench } from "../../pipeline/bench.ts";
import { formatBenchTable } from "../../render/bench-table.ts";
import { MICROBENCH_MEASURES } from "../../runners/microbench.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { choice, integer, integers, parseFlags, text, texts } from "../flags.ts";
import { elapsedLogger } from "../tty.ts";

const PROFILES = Object.keys(BENCH_PROFILES) as BenchProfileName[];

const OPTIONS = {
  profile: choice("bench profile", PROFILES, "quick"),
  measure: choice(
    "wall clock (mitata) or callgrind counts per op (default: harness/config/microbench.json's)",
    MICROBENCH_MEASURES,
  ),
  suite: texts("run only this suite id (a microbench file's base name)"),
  processes: integer("fresh processes per case (default: the profile's)", [1, 1_000_000]),
  "foreign-load-retries": integer(
    "re-runs of a case measured while the machine was busy",
    [1, 1_000_000],
  ),
  "hash-seed": integers("V8 hash seed of a process; several for several", [1, 1_000_000]),
  replay: text("re-summarize the raw records of an earlier run's folder instead of measuring"),
};

/** `perfgate bench`: microbenchmark suites, one case per fresh process, table + run record. */
export const benchCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench [options]",
    examples: ["perfgate bench", "perfgate bench --profile full --suite lru"],
  },
  async run(argv, io) {
    const { values } = parseFlags("bench", argv, OPTIONS);
    const log = elapsedLogger("bench", io.err);
    const include = (await findProjectConfig(io.cwd))?.config.microbench?.include;
    const { run, rows, runDir } = await runBench({
      root: io.cwd,
      include,
      profile: values.profile,
      suites: values.suite,
      processes: values.processes,
      foreignLoadRetries: values["foreign-load-retries"],
      ...(values["hash-seed"].length ? { hashSeeds: values["hash-seed"] } : {}),
      ...(values.replay ? { replayRawDir: path.resolve(io.cwd, values.replay) } : {}),
      measure: values.measure,
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
