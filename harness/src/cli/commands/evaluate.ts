import path from "node:path";
import { EVALUATION_MODES, runEvaluation } from "../../pipeline/evaluate.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { evaluationSections, saveEvaluation } from "../../pipeline/save-evaluation.ts";
import { detectChromium } from "../../runners/tools.ts";
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
  modes: { type: "string", default: "time,instructions,lighthouse" },
  "lighthouse-runs": { type: "string", default: "3" },
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
      modes: "what to evaluate: time, instructions, lighthouse (comma-separated)",
      "lighthouse-runs": "Lighthouse runs per condition (idle, cores burned) of the stability row",
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
    const modes = choicesFlag("evaluate", "modes", values.modes, EVALUATION_MODES);
    const counted = detectorSettings(values, "instruction-");
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const chromium = modes.includes("lighthouse") ? await detectChromium(io.env) : undefined;
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
      lighthouse: {
        chromePath: chromium?.path,
        runs: integerFlag("evaluate", "lighthouse-runs", values["lighthouse-runs"], 1, 20),
      },
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
