import path from "node:path";
import { findProjectConfig } from "../../config/load.ts";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { runComparePipeline } from "../../pipeline/compare.ts";
import { parseSelection } from "../../pipeline/compare-round.ts";
import { compareTarget } from "../../pipeline/compare-target.ts";
import { MICROBENCH_MEASURES } from "../../runners/microbench.ts";
import { instructionSettings, readMicrobenchConfig } from "../../runners/microbench-config.ts";
import { EXIT } from "../../schema/index.ts";
import { MIN_BLOCKS_FOR_P } from "../../verdicts/regression.ts";
import type { Command } from "../command.ts";
import { bool, choice, integer, parseFlags, required, text } from "../flags.ts";

const OPTIONS = {
  base: required(
    text("the git ref to compare the working tree against"),
    "main (or HEAD for an A/A calibration)",
  ),
  suites: text("what to compare: microbench, microbench:<suite>+<suite>, load", "microbench,load"),
  measure: choice(
    "microbench measure (default: harness/config/microbench.json's)",
    MICROBENCH_MEASURES,
  ),
  // Fewer blocks than the test needs can only ever say "inconclusive": refuse them up front.
  blocks: integer("interleaved A/B blocks of the first pass", [MIN_BLOCKS_FOR_P, 100], 6),
  "confirm-blocks": integer(
    "blocks of the confirmation pass of a suspected regression",
    [0, 100],
    6,
  ),
  seed: integer("seed of the block order", [0, 2 ** 31 - 1], 1),
  "load-seconds": integer("seconds of each load block", [1, 600], 3),
  "bench-budget-ms": integer("time budget of each microbench measurement", [10, 60_000], 50),
  out: text("write the comparison markdown to this file"),
  calibration: text("a calibration file of an earlier --calibrate run"),
  calibrate: bool("measure the noise of this machine (A/A) instead"),
};

/** `perfgate compare --base <ref>`: interleaved A/B of the base against the working tree. */
export const compareCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "compare --base <git ref> [options]",
    examples: ["perfgate compare --base main", "perfgate compare --base HEAD~1 --suites load"],
  },
  async run(argv, io) {
    const { values } = parseFlags("compare", argv, OPTIONS);
    const config = await readMicrobenchConfig(io.cwd);
    const loaded = (await findProjectConfig(io.cwd))?.config;
    const { record, dir, markdown } = await runComparePipeline({
      gatesFile: loaded?.gates,
      target: loaded ? compareTarget(loaded, io.cwd) : undefined,
      root: io.cwd,
      base: values.base,
      selection: parseSelection(values.suites),
      blocks: values.blocks,
      confirmBlocks: values["confirm-blocks"],
      seed: values.seed,
      loadSeconds: values["load-seconds"],
      benchBudgetMs: values["bench-budget-ms"],
      env: io.env,
      measure: values.measure ?? config.measure,
      instructions: instructionSettings(config),
      calibrate: values.calibrate,
      ...(values.calibration ? { calibrationFile: path.resolve(io.cwd, values.calibration) } : {}),
      signal: io.signal,
      log: (line) => io.err(`[compare] ${line}\n`),
    });
    if (values.out) await writeFileAtomic(values.out, markdown);
    io.out(markdown);
    io.err(`[compare] wrote ${dir}/comparison.{json,md}\n`);
    if (record.status === "interrupted") return EXIT.interrupted;
    return record.failing.length > 0 ? EXIT.verdictFailed : EXIT.ok;
  },
};
