import path from "node:path";
import { runEvaluation } from "../../pipeline/evaluate.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { evaluationSections, saveEvaluation } from "../../pipeline/save-evaluation.ts";
import { EXIT } from "../../schema/index.ts";
import { choicesFlag, integerFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const OPTIONS = {
  "pool-blocks": { type: "string", default: "16" },
  blocks: { type: "string", default: "6" },
  "confirm-blocks": { type: "string", default: "6" },
  draws: { type: "string", default: "300" },
  sizes: { type: "string", default: "5,10,20" },
  seed: { type: "string", default: "1" },
  "no-save": { type: "boolean", default: false },
  replay: { type: "boolean", default: false },
  modes: { type: "string", default: "time,instructions" },
  "instruction-sizes": { type: "string", default: "2" },
  "instruction-pool-blocks": { type: "string", default: "8" },
  "instruction-blocks": { type: "string", default: "3" },
  "instruction-confirm-blocks": { type: "string", default: "3" },
} as const;

type EvaluateValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

/** One detector's sizes and blocks from its flags (`blocks` or `instruction-blocks`, ...). */
function detectorSettings(values: EvaluateValues, prefix: "" | "instruction-") {
  const flag = (name: string, min: number, max: number, value?: string) =>
    integerFlag(
      "evaluate",
      `${prefix}${name}`,
      value ?? String(values[`${prefix}${name}` as keyof EvaluateValues]),
      min,
      max,
    );
  const blocks = flag("blocks", 3, 50);
  const confirmBlocks = flag("confirm-blocks", 0, 50);
  return {
    sizes: String(values[`${prefix}sizes`])
      .split(",")
      .map((s) => flag("sizes", 1, 500, s.trim())),
    blocks,
    confirmBlocks,
    poolBlocks: flag("pool-blocks", blocks + confirmBlocks, 200),
  };
}

/** `perfgate evaluate`: the regression detector's false-alarm rate and power, measured here. */
export const evaluateCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "evaluate [options]",
    flags: {
      "pool-blocks": "blocks measured once into the pool the trials draw from",
      blocks: "blocks per side of a simulated compare",
      "confirm-blocks": "blocks of the confirmation pass",
      draws: "simulated compares per cell",
      sizes: "injected slowdowns, in percent",
      seed: "seed of the draws",
      "no-save": "do not write the run or update the README's evaluation tables",
      replay: "recompute from the last measured pool instead of measuring",
      modes: "detectors to evaluate: time, instructions, or time,instructions",
      "instruction-sizes": "injected slowdowns of the instruction mode, in percent",
      "instruction-pool-blocks": "counted blocks measured once into the instruction pool",
      "instruction-blocks": "blocks per side of a simulated instruction-mode compare",
      "instruction-confirm-blocks": "blocks of the instruction mode's confirmation pass",
    },
    examples: ["perfgate evaluate", "perfgate evaluate --draws 100 --no-save"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("evaluate", argv, OPTIONS);
    const time = detectorSettings(values, "");
    const modes = choicesFlag("evaluate", "modes", values.modes, ["time", "instructions"] as const);
    const counted = detectorSettings(values, "instruction-");
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const result = await runEvaluation({
      root: io.cwd,
      replay: values.replay,
      ...time,
      draws: integerFlag("evaluate", "draws", values.draws, 10, 100_000),
      seed: integerFlag("evaluate", "seed", values.seed, 0, 2 ** 31 - 1),
      signal: io.signal,
      log: (line) => io.err(`[evaluate] ${line}\n`),
      today: new Date().toISOString().slice(0, 10),
      modes,
      instructions: counted,
    });
    const draws = Number(values.draws);
    const sections = evaluationSections(result, { time, counted, draws });
    for (const { title, table } of sections) io.out(`${title}:\n\n${table}\n`);
    if (io.signal.aborted) return EXIT.interrupted;
    const run = record.finish({ suites: [result.suite] });
    if (!values["no-save"]) {
      const { dir, readme } = await saveEvaluation(io.cwd, run, sections);
      io.err(
        `[evaluate] wrote ${path.relative(io.cwd, dir ?? "reports")}${readme ? " and the README's evaluation table" : ""}\n`,
      );
    }
    return EXIT.ok;
  },
};
