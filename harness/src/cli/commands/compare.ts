import path from "node:path";
import { findProjectConfig } from "../../config/load.ts";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { runComparePipeline } from "../../pipeline/compare.ts";
import { parseSelection } from "../../pipeline/compare-round.ts";
import { compareTarget } from "../../pipeline/compare-target.ts";
import {
  instructionSettings,
  parseMeasure,
  readMicrobenchConfig,
} from "../../runners/microbench-config.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { MIN_BLOCKS_FOR_P } from "../../verdicts/regression.ts";
import { integerFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const OPTIONS = {
  base: { type: "string" },
  suites: { type: "string", default: "microbench,load" },
  blocks: { type: "string", default: "6" },
  "confirm-blocks": { type: "string", default: "6" },
  seed: { type: "string", default: "1" },
  "load-seconds": { type: "string", default: "3" },
  "bench-budget-ms": { type: "string", default: "50" },
  out: { type: "string" },
  calibration: { type: "string" },
  calibrate: { type: "boolean", default: false },
  measure: { type: "string" },
} as const;

/** `perfgate compare --base <ref>`: interleaved A/B of the base against the working tree. */
export const compareCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "compare --base <git ref> [options]",
    flags: {
      base: "the git ref to compare the working tree against (required)",
      suites: "what to compare: microbench, microbench:<suite>+<suite>, load",
      measure:
        "microbench measure: time or instructions (default from harness/config/microbench.json)",
      blocks: `interleaved A/B blocks of the first pass (at least ${MIN_BLOCKS_FOR_P})`,
      "confirm-blocks": "blocks of the confirmation pass of a suspected regression",
      seed: "seed of the block order",
      "load-seconds": "seconds of each load block",
      "bench-budget-ms": "time budget of each microbench measurement",
      out: "write the comparison markdown to this file",
      calibration: "a calibration file of an earlier --calibrate run",
      calibrate: "measure the noise of this machine (A/A) instead",
    },
    examples: ["perfgate compare --base main", "perfgate compare --base HEAD~1 --suites load"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("compare", argv, OPTIONS);
    if (!values.base) {
      throw new HarnessError("E_USAGE", "compare: --base <git ref> is required", {
        hint: "e.g. npm run compare -- --base main (or --base HEAD for an A/A calibration)",
        exitCode: EXIT.usage,
      });
    }
    const config = await readMicrobenchConfig(io.cwd);
    const loaded = (await findProjectConfig(io.cwd))?.config;
    const { record, dir, markdown } = await runComparePipeline({
      gatesFile: loaded?.gates,
      target: loaded ? compareTarget(loaded, io.cwd) : undefined,
      root: io.cwd,
      base: values.base,
      selection: parseSelection(values.suites),
      // Fewer blocks than the test needs can only ever say "inconclusive": refuse them up front.
      blocks: integerFlag("compare", "blocks", values.blocks, MIN_BLOCKS_FOR_P, 100),
      confirmBlocks: integerFlag("compare", "confirm-blocks", values["confirm-blocks"], 0, 100),
      seed: integerFlag("compare", "seed", values.seed, 0, 2 ** 31 - 1),
      loadSeconds: integerFlag("compare", "load-seconds", values["load-seconds"], 1, 600),
      benchBudgetMs: integerFlag(
        "compare",
        "bench-budget-ms",
        values["bench-budget-ms"],
        10,
        60_000,
      ),
      env: io.env,
      measure: values.measure ? parseMeasure("compare", values.measure) : config.measure,
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
