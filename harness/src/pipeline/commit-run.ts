import path from "node:path";
import { fitRunBudget } from "../history/run-budget.ts";
import { readRuns, writeRun, writeScratchRun } from "../history/run-store.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { buildRunReport, lastMainRun, type RunReportModel } from "../report/index.ts";
import { type RunResult, redactorFor } from "../schema/index.ts";
import { writeTrendPages } from "./trend-pages.ts";

export interface CommitRunOptions {
  reportsDir: string;
  /** Also keep the working copy in this scratch folder (`.perf/`), committed or not. */
  perfDir?: string;
  /** false: keep the run out of `reports/` (`--no-save`). */
  save: boolean;
  /** Sensitive names beyond the built-in ones (perfgate.config.ts `redact`). */
  redact?: readonly string[] | undefined;
}

export interface CommittedRun {
  /** The run as stored: trimmed to the record budget. */
  run: RunResult;
  /** The report model that report.md and the terminal summary render. */
  model: RunReportModel;
  /** `reports/runs/<runId>` when the run was committed. */
  dir?: string;
  scratch?: string;
}

/**
 * The last step of every measuring command: trim the run to its budget, compare it with the last
 * main run of its profile for the headline, and commit it (run.json, report.md, then TRENDS.md,
 * charts and the dashboard). Only a complete run enters the history; any run keeps its scratch
 * copy.
 */
export async function commitRun(
  measured: RunResult,
  options: CommitRunOptions,
): Promise<CommittedRun> {
  const redact = options.redact ?? [];
  // Redacted before anything renders it, and trimmed so report.md says what the record lacks.
  const run = fitRunBudget(redactorFor(redact).deep(measured));
  const baseline = lastMainRun((await readRuns(options.reportsDir, redact)).runs, run);
  const model = buildRunReport(run, baseline ? { baseline } : {});
  const scratch = options.perfDir ? await writeScratchRun(options.perfDir, run, redact) : undefined;
  if (run.status !== "complete" || !options.save) return { run, model, scratch };
  const dir = await writeRun(options.reportsDir, run, renderMarkdown(model), redact);
  await writeTrendPages(options.reportsDir, { redact });
  return { run, model, dir, scratch };
}

/** Where a committed run's files are, for the log line. */
export function describeCommit(committed: CommittedRun, cwd: string): string {
  if (committed.dir) {
    return `wrote ${path.relative(cwd, committed.dir)}/{run.json,report.md} and refreshed TRENDS.md, charts/ and index.html`;
  }
  const why = committed.run.status === "complete" ? "--no-save" : committed.run.status;
  return `kept ${committed.scratch ? path.relative(cwd, committed.scratch) : "nothing"} (${why}; not committed to reports/)`;
}
