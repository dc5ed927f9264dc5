import path from "node:path";
import { replaceMarkedSection } from "../history/marked-section.ts";
import { type EvaluationRow, renderEvaluationTable } from "../report/evaluation.ts";
import { renderStabilityTable, type StabilityRun } from "../report/lighthouse-stability.ts";
import type { RunResult } from "../schema/index.ts";
import { commitRun } from "./commit-run.ts";
import { STABILITY_PAGE } from "./lighthouse-evaluation.ts";

/** One README evaluation section (`<!-- perfgate:<name>:start -->` to its end) and its table. */
export interface EvaluationSection {
  name: string;
  /** What the table measured, printed above it in the terminal. */
  title: string;
  table: string;
}

interface DetectorSettings {
  blocks: number;
  confirmBlocks: number;
  poolBlocks: number;
}

/** The tables of an evaluation (wall time, instruction counts, Lighthouse), each when it has rows. */
export function evaluationSections(
  result: {
    rows: readonly EvaluationRow[];
    instructionRows: readonly EvaluationRow[];
    lighthouseRuns: readonly StabilityRun[];
  },
  settings: { time: DetectorSettings; counted: DetectorSettings; draws: number },
): EvaluationSection[] {
  const { time, counted, draws } = settings;
  const sections: EvaluationSection[] = [];
  if (result.rows.length > 0) {
    const table = renderEvaluationTable(result.rows, { ...time, draws }, time.poolBlocks);
    sections.push({ name: "evaluation", title: "Wall time (mitata, autocannon)", table });
  }
  if (result.instructionRows.length > 0) {
    const rows = result.instructionRows;
    const table = renderEvaluationTable(rows, { ...counted, draws }, counted.poolBlocks);
    sections.push({
      name: "evaluation-instructions",
      title: "Instruction counts (callgrind)",
      table,
    });
  }
  if (result.lighthouseRuns.length > 0) {
    const table = renderStabilityTable(result.lighthouseRuns, STABILITY_PAGE);
    sections.push({
      name: "evaluation-lighthouse",
      title: "Lighthouse stability (CPU calibration)",
      table,
    });
  }
  return sections;
}

/** The machine the evaluation really ran on, as its run record says. */
function machineLine(run: RunResult): string {
  const { cpuModel, cores, loadAvgBefore, loadAvgAfter } = run.env;
  return `${cores} cores (${cpuModel}), load average ${loadAvgBefore[0]} at the start${loadAvgAfter ? ` and ${loadAvgAfter[0]} at the end` : ""}`;
}

/**
 * Commit the evaluation run to `reports/` and replace the README's evaluation sections with its
 * tables, each saying which run and machine measured it. Returns the run's folder and whether the
 * README changed (a README without the markers is left alone).
 */
export async function saveEvaluation(
  root: string,
  run: RunResult,
  sections: readonly EvaluationSection[],
): Promise<{ dir: string | undefined; readme: boolean }> {
  const { dir } = await commitRun(run, { reportsDir: path.join(root, "reports"), save: true });
  let readme = false;
  for (const { name, table } of sections) {
    const replaced = await replaceMarkedSection(
      path.join(root, "README.md"),
      { start: `<!-- perfgate:${name}:start -->`, end: `<!-- perfgate:${name}:end -->` },
      `Measured by \`npm run evaluate\` (run ${run.runId}) on ${machineLine(run)}.\n\n${table}`,
    );
    readme ||= replaced;
  }
  return { dir, readme };
}
