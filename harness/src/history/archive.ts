import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import {
  type ArchivedRun,
  archiveRun,
  EXIT,
  formatIssues,
  HarnessError,
  MonthArchive,
  type QualityWarning,
  SCHEMA_VERSION,
} from "../schema/index.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { withReportsLock } from "./lock.ts";
import { readRuns, runDir } from "./run-store.ts";

const archiveDir = (reportsDir: string) => path.join(reportsDir, "archive");

/** Every archived month, oldest first; a corrupt month file is skipped with a warning. */
export async function readArchives(
  reportsDir: string,
): Promise<{ runs: ArchivedRun[]; warnings: QualityWarning[] }> {
  const names = (await readdir(archiveDir(reportsDir)).catch(() => [] as string[]))
    .filter((n) => /^\d{4}-\d{2}\.json$/.test(n))
    .sort();
  const runs: ArchivedRun[] = [];
  const warnings: QualityWarning[] = [];
  for (const name of names) {
    const file = path.join(archiveDir(reportsDir), name);
    try {
      const parsed = MonthArchive.safeParse(JSON.parse(await readFile(file, "utf8")));
      if (!parsed.success) throw new Error(formatIssues(parsed.error.issues).join("; "));
      runs.push(...parsed.data.runs);
    } catch (error) {
      warnings.push({
        code: "history-skipped",
        message: `skipped ${file}: ${(error as Error).message}`,
      });
    }
  }
  return { runs, warnings };
}

/**
 * Roll every committed run that started before `beforeMonth` (YYYY-MM) into
 * `reports/archive/<month>.json` (headline values only, no histograms), then remove its run
 * folder. Each month file is written before any folder is removed, so a failure loses nothing.
 */
export async function compactRuns(
  reportsDir: string,
  beforeMonth: string,
): Promise<{ archived: number; months: string[] }> {
  if (!/^\d{4}-\d{2}$/.test(beforeMonth)) {
    throw new HarnessError("E_USAGE", `compact: --before "${beforeMonth}" is not YYYY-MM`, {
      hint: "e.g. --before 2026-09",
      exitCode: EXIT.usage,
    });
  }
  const { runs } = await readRuns(reportsDir);
  const old = runs.filter((run) => run.startedAt.slice(0, 7) < beforeMonth);
  const byMonth = new Map<string, ArchivedRun[]>();
  for (const run of old) {
    const month = run.startedAt.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), archiveRun(run)]);
  }
  return withReportsLock(reportsDir, async () => {
    for (const [month, monthRuns] of byMonth) {
      const file = path.join(archiveDir(reportsDir), `${month}.json`);
      const existing = await readFile(file, "utf8").then(
        (text) => MonthArchive.parse(JSON.parse(text)).runs,
        () => [] as ArchivedRun[],
      );
      const merged = new Map([...existing, ...monthRuns].map((run) => [run.runId, run]));
      const archive: MonthArchive = {
        schemaVersion: SCHEMA_VERSION,
        month,
        runs: [...merged.values()].sort((a, b) => a.runId.localeCompare(b.runId)),
      };
      await writeFileAtomic(file, `${JSON.stringify(archive)}\n`);
    }
    for (const run of old)
      await rm(runDir(reportsDir, run.runId), { recursive: true, force: true });
    return { archived: old.length, months: [...byMonth.keys()].sort() };
  });
}
