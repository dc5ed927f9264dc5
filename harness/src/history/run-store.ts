import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  EXIT,
  HarnessError,
  parseRunJson,
  parseRunResult,
  type QualityWarning,
  type RunResult,
  redactorFor,
} from "../schema/index.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { withReportsLock } from "./lock.ts";
import { fitRunBudget } from "./run-budget.ts";

/** `reports/runs/<runId>/` of a committed run. */
export function runDir(reportsDir: string, runId: string): string {
  return path.join(reportsDir, "runs", runId);
}

/**
 * Commit one run to history: `run.json` (validated) and `report.md`, written into a hidden
 * temporary folder and renamed into place, so `reports/runs/` never holds a half-written run.
 * An existing run is never rewritten.
 */
export async function writeRun(
  reportsDir: string,
  run: RunResult,
  reportMarkdown: string,
  redact: readonly string[] = [],
): Promise<string> {
  // Stored records and reports are redacted here too, whoever built them, so no renderer can
  // leak a secret from history (the config's `redact` names with the built-in ones).
  const redactor = redactorFor(redact);
  const record = fitRunBudget(parseRunResult(redactor.deep(run), `run ${run.runId}`));
  const markdown = redactor.text(reportMarkdown);
  return withReportsLock(reportsDir, async () => {
    const target = runDir(reportsDir, record.runId);
    if (await exists(target)) {
      throw new HarnessError(
        "E_RUN_EXISTS",
        `${target} already exists; earlier runs are never rewritten`,
        {
          hint: "each run gets a new runId; this one was committed already",
          exitCode: EXIT.toolFailed,
        },
      );
    }
    const runsDir = path.dirname(target);
    await mkdir(runsDir, { recursive: true });
    const temp = path.join(runsDir, `.${record.runId}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await mkdir(temp);
      // Compact JSON: people read report.md.
      await writeFile(path.join(temp, "run.json"), `${JSON.stringify(record)}\n`);
      await writeFile(path.join(temp, "report.md"), markdown);
      await rename(temp, target);
    } catch (cause) {
      await rm(temp, { recursive: true, force: true });
      if (cause instanceof HarnessError) throw cause;
      const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
      throw new HarnessError(
        "E_WRITE",
        `${target}: cannot write the run (${reason}); nothing was kept half-written`,
        {
          hint:
            reason === "ENOSPC" ? "free disk space and run again" : "check permissions of reports/",
          exitCode: EXIT.toolFailed,
          cause,
        },
      );
    }
    return target;
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export interface LoadedRuns {
  /** Valid runs, oldest first (runIds sort by time). */
  runs: RunResult[];
  /** One warning per run folder that could not be read, so it is reported, not silently dropped. */
  warnings: QualityWarning[];
}

/**
 * Every committed run under `reports/runs/`, redacted as it is read (a run committed before a
 * name was sensitive still renders without its secret); corrupt or foreign-version records
 * are skipped with a warning.
 */
export async function readRuns(
  reportsDir: string,
  redact: readonly string[] = [],
): Promise<LoadedRuns> {
  const redactor = redactorFor(redact);
  const runsDir = path.join(reportsDir, "runs");
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return { runs: [], warnings: [] };
  }
  const runs: RunResult[] = [];
  const warnings: QualityWarning[] = [];
  for (const name of names) {
    const file = path.join(runsDir, name, "run.json");
    try {
      runs.push(redactor.deep(parseRunJson(await readFile(file, "utf8"), file)));
    } catch (error) {
      const reason =
        error instanceof HarnessError ? error.message : `${file}: ${(error as Error).message}`;
      warnings.push({ code: "history-skipped", message: `skipped ${reason.split("\n")[0]}` });
    }
  }
  return { runs, warnings };
}

/** Keep a run's working copy (also for interrupted runs) in the gitignored scratch area. */
export async function writeScratchRun(
  perfDir: string,
  run: RunResult,
  redact: readonly string[] = [],
): Promise<string> {
  const file = path.join(perfDir, run.runId, "run.json");
  await writeFileAtomic(file, `${JSON.stringify(redactorFor(redact).deep(run), null, 2)}\n`);
  return file;
}

/**
 * One run record file, validated. `shown` names it in errors: a missing file is a usage error, a
 * truncated or invalid record a schema error (exit 4), never a stack.
 */
export async function readRunFile(file: string, shown: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new HarnessError(
      "E_RUN_NOT_FOUND",
      `${shown}: cannot read (${(cause as Error).message})`,
      {
        hint: "name a folder of reports/runs/ or a path to a run.json",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  return parseRunJson(text, shown);
}
