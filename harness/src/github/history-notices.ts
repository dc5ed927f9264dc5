import { existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { readArchives } from "../history/archive.ts";
import { readRuns } from "../history/run-store.ts";
import { buildTrendModel } from "../report/trends.ts";
import { type ChangepointNotice, changepointNotices } from "./changepoints.ts";
import { type GitHubContext, runUrl } from "./context.ts";
import { readInput } from "./inputs.ts";

/**
 * Change-point issues from the committed history (runs and archives): one per commit where a
 * worse level shift starts, linking TRENDS.md on the default branch and this workflow run.
 */
export async function noticesFromHistory(
  reportsDir: string,
  context: GitHubContext,
  cwd: string,
  warn: (message: string) => void,
): Promise<ChangepointNotice[]> {
  const { runs, warnings } = await readRuns(reportsDir);
  for (const warning of warnings) warn(warning.message);
  const archives = await readArchives(reportsDir);
  const trendsPath = relative(cwd, join(reportsDir, "TRENDS.md")).split(sep).join("/");
  const links = {
    trends: context.repo
      ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/blob/HEAD/${trendsPath}`
      : trendsPath,
    run: runUrl(context),
  };
  return changepointNotices(buildTrendModel(runs, { archived: archives.runs }), links);
}

/**
 * The change-point issues to report: one from a `markdown` file (absent or empty: none, the
 * normal case), else one per commit where the committed history shows a worse level shift.
 */
export async function collectNotices(
  source: { markdown?: string | undefined; key: string; title: string; reportsDir: string },
  context: GitHubContext,
  cwd: string,
  warn: (message: string) => void,
): Promise<ChangepointNotice[]> {
  if (source.markdown === undefined) {
    return noticesFromHistory(resolve(cwd, source.reportsDir), context, cwd, warn);
  }
  const file = resolve(cwd, source.markdown);
  const markdown = existsSync(file) ? await readInput(file, "--markdown") : "";
  return [{ key: source.key, title: source.title, markdown }];
}
