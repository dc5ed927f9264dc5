import path from "node:path";
import { replaceMarkedSection } from "../../history/marked-section.ts";
import { writeRun } from "../../history/run-store.ts";
import { type EvaluationMode, runEvaluation } from "../../pipeline/evaluate.ts";
import { STABILITY_PAGE } from "../../pipeline/lighthouse-evaluation.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { renderEvaluationTable } from "../../report/evaluation.ts";
import { buildRunReport } from "../../report/index.ts";
import { renderStabilityTable } from "../../report/lighthouse-stability.ts";
import { detectChromium } from "../../runners/tools.ts";
import { EXIT, HarnessError, type RunResult } from "../../schema/index.ts";
import { integerFlag, parseCommandArgs } from "../args.ts";
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

/** `time,instructions,lighthouse`: what to evaluate. */
function parseModes(text: string): EvaluationMode[] {
  const modes = text.split(",").map((m) => m.trim());
  const bad = modes.find((m) => m !== "time" && m !== "instructions" && m !== "lighthouse");
  if (bad !== undefined || modes.length === 0) {
    throw new HarnessError("E_USAGE", `evaluate: --modes has "${bad ?? text}"`, {
      hint: "use any of time, instructions, lighthouse, comma-separated",
      exitCode: EXIT.usage,
    });
  }
  return modes as EvaluationMode[];
}

/** The machine the evaluation really ran on, as its run record says. */
function machineLine(run: RunResult): string {
  const { cpuModel, cores, loadAvgBefore, loadAvgAfter } = run.env;
  return `${cores} cores (${cpuModel}), load average ${loadAvgBefore[0]} at the start${loadAvgAfter ? ` and ${loadAvgAfter[0]} at the end` : ""}`;
}

/** Replace one evaluation section of the README (`<!-- perfgate:<name>:start -->` to its end). */
function updateReadme(file: string, name: string, table: string, run: RunResult): Promise<boolean> {
  return replaceMarkedSection(
    file,
    { start: `<!-- perfgate:${name}:start -->`, end: `<!-- perfgate:${name}:end -->` },
    `Measured by \`npm run evaluate\` (run ${run.runId}) on ${machineLine(run)}.\n\n${table}`,
  );
}

type EvaluateValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

/** The instruction-mode evaluation's sizes and blocks, from its flags. */
function countedSettings(values: EvaluateValues) {
  const blocks = integerFlag("evaluate", "instruction-blocks", values["instruction-blocks"], 3, 50);
  const confirmBlocks = integerFlag(
    "evaluate",
    "instruction-confirm-blocks",
    values["instruction-confirm-blocks"],
    0,
    50,
  );
  return {
    sizes: values["instruction-sizes"]
      .split(",")
      .map((s) => integerFlag("evaluate", "instruction-sizes", s.trim(), 1, 500)),
    blocks,
    confirmBlocks,
    poolBlocks: integerFlag(
      "evaluate",
      "instruction-pool-blocks",
      values["instruction-pool-blocks"],
      blocks + confirmBlocks,
      200,
    ),
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
    const blocks = integerFlag("evaluate", "blocks", values.blocks, 3, 50);
    const confirmBlocks = integerFlag(
      "evaluate",
      "confirm-blocks",
      values["confirm-blocks"],
      0,
      50,
    );
    const poolBlocks = integerFlag(
      "evaluate",
      "pool-blocks",
      values["pool-blocks"],
      blocks + confirmBlocks,
      200,
    );
    const sizes = values.sizes
      .split(",")
      .map((s) => integerFlag("evaluate", "sizes", s.trim(), 1, 500));
    const modes = parseModes(values.modes);
    const counted = countedSettings(values);
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const chromium = modes.includes("lighthouse") ? await detectChromium(io.env) : undefined;
    const { rows, instructionRows, lighthouseRuns, suite } = await runEvaluation({
      root: io.cwd,
      replay: values.replay,
      poolBlocks,
      blocks,
      confirmBlocks,
      draws: integerFlag("evaluate", "draws", values.draws, 10, 100_000),
      sizes,
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
    const table = rows.length
      ? renderEvaluationTable(rows, { blocks, confirmBlocks, draws }, poolBlocks)
      : undefined;
    const countedTable = instructionRows.length
      ? renderEvaluationTable(instructionRows, { ...counted, draws }, counted.poolBlocks)
      : undefined;
    if (table) io.out(`Wall time (mitata, autocannon):\n\n${table}\n`);
    if (countedTable) io.out(`Instruction counts (callgrind):\n\n${countedTable}\n`);
    const stabilityTable = lighthouseRuns.length
      ? renderStabilityTable(lighthouseRuns, STABILITY_PAGE)
      : undefined;
    if (stabilityTable) io.out(`Lighthouse stability (CPU calibration):\n\n${stabilityTable}\n`);
    if (io.signal.aborted) return EXIT.interrupted;
    const run = record.finish({ suites: [suite] });
    if (!values["no-save"]) {
      const reportsDir = path.join(io.cwd, "reports");
      const dir = await writeRun(reportsDir, run, renderMarkdown(buildRunReport(run)));
      await writeTrendPages(reportsDir);
      const readmeFile = path.join(io.cwd, "README.md");
      const timeDone = table ? await updateReadme(readmeFile, "evaluation", table, run) : false;
      const countedDone = countedTable
        ? await updateReadme(readmeFile, "evaluation-instructions", countedTable, run)
        : false;
      const stabilityDone = stabilityTable
        ? await updateReadme(readmeFile, "evaluation-lighthouse", stabilityTable, run)
        : false;
      const readme = timeDone || countedDone || stabilityDone;
      io.err(
        `[evaluate] wrote ${path.relative(io.cwd, dir)}${readme ? " and the README's evaluation table" : ""}\n`,
      );
    }
    return EXIT.ok;
  },
};
