import { GitHubClient } from "./client.ts";
import { type GitHubContext, type RepoRef, requireApi } from "./context.ts";
import { type Output, printDryRun } from "./output.ts";

/** The fields perfgate reads from an issue. Pull requests also appear in the issues list. */
interface Issue {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
}

export interface IssueUpsert {
  action: "created" | "updated" | "unchanged";
  number: number;
  url: string;
}

/** Marker of the issue that tracks one change-point key (e.g. `main`). */
export function issueMarker(key: string): string {
  return `<!-- perfgate:changepoint:${key} -->`;
}

/**
 * Opens the issue for `key`, or updates the open one carrying its marker. Found by listing open
 * issues (not the search API, whose index lags by minutes and would open duplicates).
 */
export async function upsertIssue(
  client: GitHubClient,
  repo: RepoRef,
  issue: { key: string; title: string; markdown: string; labels: string[] },
): Promise<IssueUpsert> {
  const base = `/repos/${repo.owner}/${repo.repo}/issues`;
  const marker = issueMarker(issue.key);
  const body = `${marker}\n${issue.markdown.trimEnd()}\n`;
  const open = await client.paginate<Issue>(`${base}?state=open`);
  const existing = open.find((item) => !item.pull_request && item.body?.includes(marker));
  if (existing) {
    if (existing.body === body && existing.title === issue.title) {
      return { action: "unchanged", number: existing.number, url: existing.html_url };
    }
    const { data } = await client.request<Issue>("PATCH", `${base}/${existing.number}`, {
      title: issue.title,
      body,
    });
    return { action: "updated", number: data.number, url: data.html_url };
  }
  const { data } = await client.request<Issue>("POST", base, {
    title: issue.title,
    body,
    ...(issue.labels.length > 0 ? { labels: issue.labels } : {}),
  });
  return { action: "created", number: data.number, url: data.html_url };
}

/** A change-point report to turn into an issue. */
export interface ChangepointIssue {
  key: string;
  title: string;
  /** The report's markdown; empty means no change point, and nothing is opened. */
  markdown: string;
  labels: string[];
}

/** Opens or updates the change-point issue for `issue.key`, or prints it on a dry run. */
export async function reportChangepoint(
  issue: ChangepointIssue,
  options: { context: GitHubContext; dryRun: boolean; signal?: AbortSignal },
  output: Output,
): Promise<void> {
  if (issue.markdown.trim() === "") {
    output.out("perfgate: no change points; no issue opened\n");
    return;
  }
  const { repo, token } = requireApi(options.context, options.dryRun);
  if (options.dryRun || token === undefined) {
    const where = `${repo.owner}/${repo.repo}`;
    const what = `open or update the issue marked ${issueMarker(issue.key)} in ${where}: ${issue.title}`;
    printDryRun(output, what, issue.markdown);
    return;
  }
  const client = new GitHubClient({
    apiUrl: options.context.apiUrl,
    token,
    signal: options.signal,
  });
  const result = await upsertIssue(client, repo, issue);
  output.out(`perfgate: ${result.action} issue #${result.number} ${result.url}\n`);
}
