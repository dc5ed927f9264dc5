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
 * The runs already archived for a month, before new ones are merged in. A file that does not
 * parse, or holds another schema version, stops the compaction with the file named (issue 22
 * H11): merging would drop its runs, and nothing is removed before every month is written.
 */
async function readExistingArchive(file: string): Promise<ArchivedRun[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const refuse = (code: string, message: string, hint: string) =>
    new HarnessError(code, `compact: ${file}: ${message}; nothing was archived or removed`, {
      hint,
      exitCode: EXIT.schema,
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw refuse(
      "E_SCHEMA",
      `not JSON (${(cause as Error).message})`,
      "restore the file from git (`git checkout -- <file>`), then run compact again",
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw refuse(
      "E_SCHEMA_VERSION",
      `schemaVersion ${JSON.stringify(version)} is not supported (this perfgate reads ${SCHEMA_VERSION})`,
      "upgrade perfgate to compact into archives of a newer version",
    );
  }
  const parsed = MonthArchive.safeParse(data);
  if (!parsed.success) {
    throw refuse(
      "E_SCHEMA",
      `invalid archive\n  ${formatIssues(parsed.error.issues).join("\n  ")}`,
      "restore the file from git (`git checkout -- <file>`), then run compact again",
    );
  }
  return parsed.data.runs;
}

/** The month (YYYY-MM, UTC) `months` before `now`'s: compact keeps the months from it on. */
export function monthsBefore(now: Date, months: number): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return date.toISOString().slice(0, 7);
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
  // A month 13 or 00 passed the shape check and compared after every real month (issue 22 H12).
  const month = /^\d{4}-(\d{2})$/.exec(beforeMonth)?.[1];
  if (month === undefined || Number(month) < 1 || Number(month) > 12) {
    throw new HarnessError("E_USAGE", `compact: --before "${beforeMonth}" is not YYYY-MM`, {
      hint: "a month 01-12, e.g. --before 2026-09",
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
      const existing = await readExistingArchive(file);
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
