import path from "node:path";
import { EVALUATION_MODES, runEvaluation } from "../../pipeline/evaluate.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { evaluationSections, saveEvaluation } from "../../pipeline/save-evaluation.ts";
import { detectChromium } from "../../runners/tools.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { bool, choices, integer, integers, parseFlags, usageError } from "../flags.ts";

const OPTIONS = {
  "pool-blocks": integer("blocks measured once into the pool the trials draw from", [3, 200], 16),
  blocks: integer("blocks per side of a simulated compare", [3, 50], 6),
  "confirm-blocks": integer("blocks of the confirmation pass", [0, 50], 6),
  draws: integer("simulated compares per cell", [10, 100_000], 300),
  sizes: integers("injected slowdowns, in percent", [1, 500], [5, 10, 20]),
  seed: integer("seed of the draws", [0, 2 ** 31 - 1], 1),
  "no-save": bool("do not write the run or update the README's evaluation tables"),
  replay: bool("recompute from the last measured pool instead of measuring"),
  modes: choices("what to evaluate", EVALUATION_MODES, [...EVALUATION_MODES]),
  "lighthouse-runs": integer("Lighthouse runs per condition (idle, cores burned)", [1, 20], 3),
  "instruction-sizes": integers("injected slowdowns of the instruction mode, %", [1, 500], [2]),
  "instruction-pool-blocks": integer("counted blocks measured once into a pool", [3, 200], 8),
  "instruction-blocks": integer("blocks per side of an instruction-mode compare", [3, 50], 3),
  "instruction-confirm-blocks": integer("blocks of its confirmation pass", [0, 50], 3),
};

/** One detector's settings; its pool must hold the blocks one simulated compare draws. */
function detector(prefix: string, sizes: number[], blocks: number, confirm: number, pool: number) {
  if (pool < blocks + confirm) {
    throw usageError(
      `evaluate: --${prefix}pool-blocks ${pool} is fewer than --${prefix}blocks + --${prefix}confirm-blocks (${blocks + confirm})`,
      `e.g. --${prefix}pool-blocks ${blocks + confirm}`,
    );
  }
  return { sizes, blocks, confirmBlocks: confirm, poolBlocks: pool };
}

/** `perfgate evaluate`: the regression detector's false-alarm rate and power, measured here. */
export const evaluateCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "evaluate [options]",
    examples: ["perfgate evaluate", "perfgate evaluate --draws 100 --no-save"],
  },
  async run(argv, io) {
    const { values } = parseFlags("evaluate", argv, OPTIONS);
    const { modes, draws } = values;
    const time = detector(
      "",
      values.sizes,
      values.blocks,
      values["confirm-blocks"],
      values["pool-blocks"],
    );
    const counted = detector(
      "instruction-",
      values["instruction-sizes"],
      values["instruction-blocks"],
      values["instruction-confirm-blocks"],
      values["instruction-pool-blocks"],
    );
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const chromium = modes.includes("lighthouse") ? await detectChromium(io.env) : undefined;
    const result = await runEvaluation({
      root: io.cwd,
      replay: values.replay,
      ...time,
      draws,
      seed: values.seed,
      signal: io.signal,
      log: (line) => io.err(`[evaluate] ${line}\n`),
      today: new Date().toISOString().slice(0, 10),
      modes,
      instructions: counted,
      lighthouse: {
        chromePath: chromium?.path,
        runs: values["lighthouse-runs"],
      },
    });
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
