import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { writeRun } from "../../history/run-store.ts";
import { writeTrendPages } from "../../history/trend-pages.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { renderEvaluationTable } from "../../report/evaluation.ts";
import { buildRunReport } from "../../report/index.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { integerFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { runEvaluation } from "../evaluate-pipeline.ts";
import { beginRunRecord } from "../run-record.ts";

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

/** `time,instructions`: the detectors to evaluate. */
function parseModes(text: string): ("time" | "instructions")[] {
  const modes = text.split(",").map((m) => m.trim());
  const bad = modes.find((m) => m !== "time" && m !== "instructions");
  if (bad !== undefined || modes.length === 0) {
    throw new HarnessError("E_USAGE", `evaluate: --modes has "${bad ?? text}"`, {
      hint: "use time, instructions, or time,instructions",
      exitCode: EXIT.usage,
    });
  }
  return modes as ("time" | "instructions")[];
}

/**
 * Replace one evaluation section of the README (between `<!-- perfgate:<name>:start -->` and
 * its end marker), keeping everything else.
 */
async function updateReadme(
  file: string,
  name: string,
  table: string,
  runId: string,
): Promise<boolean> {
  const START = `<!-- perfgate:${name}:start -->`;
  const END = `<!-- perfgate:${name}:end -->`;
  const text = await readFile(file, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  const body = `${START}\nMeasured by \`npm run evaluate\` (run ${runId}) on this repository's 2-core machine.\n\n${table}${END}`;
  await writeFileAtomic(file, text.slice(0, start) + body + text.slice(end + END.length));
  return true;
}

/** `perfgate evaluate`: the regression detector's false-alarm rate and power, measured here. */
export const evaluateCommand: Command = {
  summary:
    "evaluate [--modes time,instructions] [--pool-blocks n] [--blocks n] [--draws n] [--sizes 5,10,20] [--instruction-sizes 2] [--no-save]: A/A false alarms and power against injected slowdowns",
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
    const counted = {
      sizes: values["instruction-sizes"]
        .split(",")
        .map((s) => integerFlag("evaluate", "instruction-sizes", s.trim(), 1, 500)),
      blocks: integerFlag("evaluate", "instruction-blocks", values["instruction-blocks"], 3, 50),
      confirmBlocks: integerFlag(
        "evaluate",
        "instruction-confirm-blocks",
        values["instruction-confirm-blocks"],
        0,
        50,
      ),
      poolBlocks: 0,
    };
    counted.poolBlocks = integerFlag(
      "evaluate",
      "instruction-pool-blocks",
      values["instruction-pool-blocks"],
      counted.blocks + counted.confirmBlocks,
      200,
    );
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const { rows, instructionRows, suite } = await runEvaluation({
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
    if (io.signal.aborted) return EXIT.interrupted;
    const run = record.finish([suite]);
    if (!values["no-save"]) {
      const reportsDir = path.join(io.cwd, "reports");
      const dir = await writeRun(reportsDir, run, renderMarkdown(buildRunReport(run)));
      await writeTrendPages(reportsDir);
      const readmeFile = path.join(io.cwd, "README.md");
      const timeDone = table
        ? await updateReadme(readmeFile, "evaluation", table, run.runId)
        : false;
      const countedDone = countedTable
        ? await updateReadme(readmeFile, "evaluation-instructions", countedTable, run.runId)
        : false;
      const readme = timeDone || countedDone;
      io.err(
        `[evaluate] wrote ${path.relative(io.cwd, dir)}${readme ? " and the README's evaluation table" : ""}\n`,
      );
    }
    return EXIT.ok;
  },
};
