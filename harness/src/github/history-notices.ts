import { join, relative, sep } from "node:path";
import { readArchives } from "../history/archive.ts";
import { readRuns } from "../history/run-store.ts";
import { buildTrendModel } from "../report/trends.ts";
import { type ChangepointNotice, changepointNotices } from "./changepoints.ts";
import { type GitHubContext, runUrl } from "./context.ts";

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
