import type { GitHubClient } from "./client.ts";
import type { RepoRef } from "./context.ts";

/** Hidden marker that identifies perfgate's one sticky comment on a pull request. */
export const COMMENT_MARKER = "<!-- perfgate:comment -->";

/** GitHub rejects issue comment bodies longer than this many characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** The fields perfgate reads from an issue comment (GitHub returns many more). */
export interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login: string; type?: string } | null;
}

export interface UpsertResult {
  action: "created" | "updated" | "unchanged";
  id: number;
  url: string;
}

/**
 * The comment body: marker first (so it survives truncation), then the markdown, cut to GitHub's
 * limit with a note saying where the full report is.
 */
export function commentBody(
  markdown: string,
  marker = COMMENT_MARKER,
  fullReportAt?: string,
): string {
  const body = `${marker}\n${markdown.trimEnd()}\n`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const where = fullReportAt
    ? ` The full report: ${fullReportAt}`
    : " The full report is in the job summary.";
  const note = `\n\n…truncated to fit GitHub's comment limit.${where}\n`;
  return body.slice(0, MAX_COMMENT_CHARS - note.length) + note;
}

/**
 * Creates perfgate's comment on an issue or PR, or updates the one already there (found by its
 * marker across every page of comments), so re-runs never add a second comment. When several
 * carry the marker (e.g. two runs raced before this existed), the oldest is kept up to date.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  body: string,
  marker = COMMENT_MARKER,
): Promise<UpsertResult> {
  const base = `/repos/${repo.owner}/${repo.repo}/issues`;
  const comments = await client.paginate<IssueComment>(`${base}/${issueNumber}/comments`);
  const existing = comments.find((comment) => comment.body?.includes(marker));
  if (existing) {
    if (existing.body === body) {
      return { action: "unchanged", id: existing.id, url: existing.html_url };
    }
    const { data } = await client.request<IssueComment>(
      "PATCH",
      `${base}/comments/${existing.id}`,
      {
        body,
      },
    );
    return { action: "updated", id: data.id, url: data.html_url };
  }
  const { data } = await client.request<IssueComment>("POST", `${base}/${issueNumber}/comments`, {
    body,
  });
  return { action: "created", id: data.id, url: data.html_url };
}
