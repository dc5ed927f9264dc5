import type { GitHubClient } from "./client.ts";
import type { RepoRef } from "./context.ts";

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
