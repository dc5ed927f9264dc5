import path from "node:path";
import { runBenchEngine } from "../../pipeline/bench-engine.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import { choiceFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { printRunSummary } from "../tty.ts";

/**
 * `perfgate bench-engine [--long] [--part sync-style]`: k6's blocking style vs its async twin
 * and real k6 (`K6_PATH`), engine vs autocannon, arrival-rate accuracy, soak memory.
 */
const OPTIONS = {
  long: { type: "boolean", default: false },
  part: { type: "string", default: "all" },
} as const;

export const benchEngineCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench-engine [--long] [--part all|sync-style]",
    flags: {
      long: "the long variant (minutes): longer passes and the soak memory check",
      part: "all, or sync-style: only k6's blocking style vs its async twin, autocannon and K6_PATH's k6",
    },
    examples: [
      "perfgate bench-engine",
      "K6_PATH=/path/to/k6 perfgate bench-engine --part sync-style",
    ],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("bench-engine", argv, OPTIONS);
    const { run, file } = await runBenchEngine({
      root: io.cwd,
      long: values.long,
      part: choiceFlag("bench-engine", "part", values.part, ["all", "sync-style"] as const),
      env: io.env,
      signal: io.signal,
      log: (line) => io.err(`[bench-engine] ${line}\n`),
    });
    printRunSummary(io, run);
    io.out(`run record: ${path.relative(io.cwd, file)}\n`);
    return runExitCode(run);
  },
};
