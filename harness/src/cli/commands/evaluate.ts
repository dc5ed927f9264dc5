import path from "node:path";
import { replaceMarkedSection } from "../../history/marked-section.ts";
import { writeRun } from "../../history/run-store.ts";
import { runEvaluation } from "../../pipeline/evaluate.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { renderEvaluationTable } from "../../report/evaluation.ts";
import { buildRunReport } from "../../report/index.ts";
import { EXIT, type RunResult } from "../../schema/index.ts";
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

const README_MARKERS = {
  start: "<!-- perfgate:evaluation:start -->",
  end: "<!-- perfgate:evaluation:end -->",
};

/** The machine the evaluation really ran on, as its run record says. */
function machineLine(run: RunResult): string {
  const { cpuModel, cores, loadAvgBefore, loadAvgAfter } = run.env;
  return `${cores} cores (${cpuModel}), load average ${loadAvgBefore[0]} at the start${loadAvgAfter ? ` and ${loadAvgAfter[0]} at the end` : ""}`;
}

/** `perfgate evaluate`: the regression detector's false-alarm rate and power, measured here. */
export const evaluateCommand: Command = {
  summary:
    "evaluate [--pool-blocks n] [--blocks n] [--draws n] [--sizes 5,10,20] [--no-save]: A/A false alarms and power against injected slowdowns",
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
      const readme = await replaceMarkedSection(
        path.join(io.cwd, "README.md"),
        README_MARKERS,
        `Measured by \`npm run evaluate\` (run ${run.runId}) on ${machineLine(run)}.\n\n${table}`,
      );
      io.err(
        `[evaluate] wrote ${path.relative(io.cwd, dir)}${readme ? " and the README's evaluation table" : ""}\n`,
      );
    }
    return EXIT.ok;
  },
};
