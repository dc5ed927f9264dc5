import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { writeRun } from "../../history/run-store.ts";
import { writeTrendPages } from "../../history/trend-pages.ts";
import { runEvaluation } from "../../pipeline/evaluate.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { renderEvaluationTable } from "../../report/evaluation.ts";
import { buildRunReport } from "../../report/index.ts";
import { EXIT } from "../../schema/index.ts";
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
} as const;

const START = "<!-- perfgate:evaluation:start -->";
const END = "<!-- perfgate:evaluation:end -->";

/** Replace the evaluation section of the README (between its markers), keeping everything else. */
async function updateReadme(file: string, table: string, runId: string): Promise<boolean> {
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
      "no-save": "do not update the README's evaluation table",
      replay: "recompute from the last measured pool instead of measuring",
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
    const record = await beginRunRecord(io.cwd, "evaluate", {}, io.env);
    const { rows, suite } = await runEvaluation({
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
    });
    const table = renderEvaluationTable(
      rows,
      { blocks, confirmBlocks, draws: Number(values.draws) },
      poolBlocks,
    );
    io.out(`${table}\n`);
    if (io.signal.aborted) return EXIT.interrupted;
    const run = record.finish({ suites: [suite] });
    if (!values["no-save"]) {
      const reportsDir = path.join(io.cwd, "reports");
      const dir = await writeRun(reportsDir, run, renderMarkdown(buildRunReport(run)));
      await writeTrendPages(reportsDir);
      const readme = await updateReadme(path.join(io.cwd, "README.md"), table, run.runId);
      io.err(
        `[evaluate] wrote ${path.relative(io.cwd, dir)}${readme ? " and the README's evaluation table" : ""}\n`,
      );
    }
    return EXIT.ok;
  },
};
