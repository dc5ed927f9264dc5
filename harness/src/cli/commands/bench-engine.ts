import path from "node:path";
import { runBenchEngine } from "../../pipeline/bench-engine.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { bool, choice, parseFlags } from "../flags.ts";
import { printRunSummary } from "../tty.ts";

const OPTIONS = {
  long: bool("the long variant (minutes): longer passes and the soak memory check"),
  part: choice(
    "sync-style: only k6's blocking style vs its async twin, autocannon and K6_PATH's k6",
    ["all", "sync-style"] as const,
    "all",
  ),
};

/**
 * `perfgate bench-engine [--long] [--part sync-style]`: k6's blocking style vs its async twin
 * and real k6 (`K6_PATH`), engine vs autocannon, arrival-rate accuracy, soak memory.
 */
export const benchEngineCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench-engine [--long] [--part all|sync-style]",
    examples: [
      "perfgate bench-engine",
      "K6_PATH=/path/to/k6 perfgate bench-engine --part sync-style",
    ],
  },
  async run(argv, io) {
    const { values } = parseFlags("bench-engine", argv, OPTIONS);
    const { run, file } = await runBenchEngine({
      root: io.cwd,
      long: values.long,
      part: values.part,
      env: io.env,
      signal: io.signal,
      log: (line) => io.err(`[bench-engine] ${line}\n`),
    });
    printRunSummary(io, run);
    io.out(`run record: ${path.relative(io.cwd, file)}\n`);
    return runExitCode(run);
  },
};
