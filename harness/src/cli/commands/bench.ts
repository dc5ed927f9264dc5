import path from "node:path";
import { findConfigFile, loadConfig } from "../../config/load.ts";
import { BENCH_PROFILES, type BenchProfileName, runBench } from "../../pipeline/bench.ts";
import { formatBenchTable } from "../../render/bench-table.ts";
import { parseMeasure } from "../../runners/microbench-config.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
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
