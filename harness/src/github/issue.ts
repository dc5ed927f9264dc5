import { GitHubClient } from "./client.ts";
import { type GitHubContext, type RepoRef, requireApi } from "./context.ts";
import { type Output, printDryRun } from "./output.ts";

/** The fields perfgate reads from an issue. Pull requests also appear in the issues list. */
interface Issue {
  number: number;
  title: string;
  state: string;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
}

export interface IssueUpsert {
  /** `closed`: a maintainer closed it; left alone. */
  action: "created" | "updated" | "unchanged" | "closed";
  number: number;
  url: string;
}

/** A change-point report to turn into an issue. */
export interface ChangepointIssue {
  /** Identifies the issue across runs (hidden marker in its body). */
  key: string;
  title: string;
  markdown: string;
  labels: string[];
}

/** Marker of the issue that tracks one change-point key. */
export function issueMarker(key: string): string {
  return `<!-- perfgate:changepoint:${key} -->`;
}

/**
 * Opens the issue for `issue.key`, or updates the one carrying its marker. Found by listing
 * issues with its labels (not the search API, whose index lags by minutes and would open
 * duplicates). With `includeClosed`, a closed one is found too and left closed: a maintainer
 * decided about that shift.
 */
export async function upsertIssue(
  client: GitHubClient,
  repo: RepoRef,
  issue: ChangepointIssue,
  includeClosed: boolean,
): Promise<IssueUpsert> {
  const base = `/repos/${repo.owner}/${repo.repo}/issues`;
  const marker = issueMarker(issue.key);
  const body = `${marker}\n${issue.markdown.trimEnd()}\n`;
  const labels =
    issue.labels.length > 0 ? `&labels=${encodeURIComponent(issue.labels.join(","))}` : "";
  const listed = await client.paginate<Issue>(
    `${base}?state=${includeClosed ? "all" : "open"}${labels}`,
  );
  const existing = listed.find((item) => !item.pull_request && item.body?.includes(marker));
  if (existing?.state === "closed") {
    return { action: "closed", number: existing.number, url: existing.html_url };
  }
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

/**
 * Opens or updates one issue per change-point report, or prints them on a dry run. No reports
 * means no change point: nothing is sent.
 */
export async function reportChangepoints(
  issues: readonly ChangepointIssue[],
  options: {
    context: GitHubContext;
    dryRun: boolean;
    includeClosed: boolean;
    signal?: AbortSignal;
  },
  output: Output,
): Promise<void> {
  const reports = issues.filter((issue) => issue.markdown.trim() !== "");
  if (reports.length === 0) {
    output.out("perfgate: no change points; no issue opened\n");
    return;
  }
  const { repo, token } = requireApi(options.context, options.dryRun);
  const where = `${repo.owner}/${repo.repo}`;
  const client =
    options.dryRun || token === undefined
      ? undefined
      : new GitHubClient({ apiUrl: options.context.apiUrl, token, signal: options.signal });
  for (const issue of reports) {
    if (!client) {
      const what = `open or update the issue marked ${issueMarker(issue.key)} in ${where}: ${issue.title}`;
      printDryRun(output, what, issue.markdown);
      continue;
    }
    const result = await upsertIssue(client, repo, issue, options.includeClosed);
    output.out(`perfgate: ${result.action} issue #${result.number} ${result.url}\n`);
  }
}
