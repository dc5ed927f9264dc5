import { existsSync } from "node:fs";
import { EXIT, HarnessError, type Verdict } from "../schema/index.ts";
import { annotationLines } from "./annotations.ts";
import { readBundle, writeBundle } from "./bundle.ts";
import { GitHubClient } from "./client.ts";
import { COMMENT_MARKER, commentBody, upsertStickyComment } from "./comment.ts";
import { type GitHubContext, type RepoRef, requireApi, runUrl } from "./context.ts";
import { pullRequestFromEvent, readEventFile, workflowRunFromEvent } from "./event.ts";
import { type Output, printDryRun } from "./output.ts";
import { appendStepSummary } from "./summary.ts";

/** How the PR comment is delivered; see {@link PublishOptions.comment}. */
export type CommentMode = "off" | "direct" | "bundle";

export interface PublishOptions {
  markdown: string;
  verdicts: Verdict[];
  context: GitHubContext;
  /** The PR to comment on; read from the pull_request event when absent. */
  pullRequest?: number;
  /**
   * `direct`: post or update the sticky comment now (needs `pull-requests: write`); `bundle`:
   * write the hand-off for the trusted workflow_run job to `bundleDir`; `off`: neither.
   */
  comment: CommentMode;
  bundleDir: string;
  dryRun: boolean;
  signal?: AbortSignal;
}

async function resolvePullRequest(
  options: Pick<PublishOptions, "pullRequest" | "context">,
): Promise<{ number: number; headSha: string | undefined }> {
  if (options.pullRequest !== undefined) return { number: options.pullRequest, headSha: undefined };
  const pr = pullRequestFromEvent(await readEventFile(options.context.eventPath));
  return { number: pr.number, headSha: pr.headSha };
}

async function postComment(
  options: { context: GitHubContext; dryRun: boolean; signal?: AbortSignal },
  repo: RepoRef,
  token: string | undefined,
  pullRequest: number,
  markdown: string,
  output: Output,
): Promise<void> {
  const body = commentBody(markdown, COMMENT_MARKER, runUrl(options.context));
  const target = `${repo.owner}/${repo.repo}#${pullRequest}`;
  if (options.dryRun || token === undefined) {
    printDryRun(output, `create or update the comment marked ${COMMENT_MARKER} on ${target}`, body);
    return;
  }
  const client = new GitHubClient({
    apiUrl: options.context.apiUrl,
    token,
    signal: options.signal,
  });
  const result = await upsertStickyComment(client, repo, pullRequest, body);
  output.out(`perfgate: ${result.action} comment ${result.url}\n`);
}

/**
 * The pull-request side: job summary, annotations for failing metrics, and either the sticky
 * comment (same-repository runs) or the bundle the trusted workflow posts (fork-safe split).
 */
export async function publish(options: PublishOptions, output: Output): Promise<void> {
  if (options.context.stepSummary) {
    if (options.dryRun)
      printDryRun(output, `append to ${options.context.stepSummary}`, options.markdown);
    else await appendStepSummary(options.context.stepSummary, options.markdown);
  }
  for (const line of annotationLines(options.verdicts)) output.out(`${line}\n`);

  if (options.comment === "off") return;
  const pr = await resolvePullRequest(options);
  if (options.comment === "bundle") {
    if (pr.headSha === undefined) {
      throw new HarnessError(
        "E_USAGE",
        "--comment bundle needs the pull_request event (GITHUB_EVENT_PATH) for the head SHA",
        { hint: "run it in the pull_request job, without --pr", exitCode: EXIT.usage },
      );
    }
    const bundle = { pullRequest: pr.number, headSha: pr.headSha, markdown: options.markdown };
    await writeBundle(options.bundleDir, bundle);
    output.out(`perfgate: wrote the comment bundle for PR #${pr.number} to ${options.bundleDir}\n`);
    return;
  }
  const { repo, token } = requireApi(options.context, options.dryRun);
  await postComment(options, repo, token, pr.number, options.markdown, output);
}

/**
 * The trusted side of the fork split (`on: workflow_run`): posts the bundle's markdown as the
 * sticky comment, after checking the bundle really belongs to the run that triggered us and to a
 * PR whose head is still that commit. A newer push makes this a no-op: its own run will comment.
 */
export async function commentFromBundle(
  options: { bundleDir: string; context: GitHubContext; dryRun: boolean; signal?: AbortSignal },
  output: Output,
): Promise<void> {
  const run = workflowRunFromEvent(await readEventFile(options.context.eventPath));
  if (!existsSync(options.bundleDir)) {
    // The PR run stopped before publishing (npm ci failed, cancelled...): its own log says why.
    output.out(
      `perfgate: no comment bundle at ${options.bundleDir}; the triggering run ${run.id} (${run.conclusion ?? "no conclusion"}) stopped before publishing, nothing to post\n`,
    );
    return;
  }
  const bundle = await readBundle(options.bundleDir);
  const { repo, token } = requireApi(options.context, options.dryRun);
  const mismatch = (why: string) =>
    new HarnessError(
      "E_GITHUB_BUNDLE",
      `the comment bundle does not match the triggering run: ${why}`,
      {
        hint: "the artifact may have been tampered with; nothing was posted",
        exitCode: EXIT.schema,
      },
    );
  if (bundle.headSha !== run.headSha)
    throw mismatch(`head ${bundle.headSha} != workflow_run.head_sha ${run.headSha}`);
  if (run.pullRequests.length > 0 && !run.pullRequests.includes(bundle.pullRequest)) {
    throw mismatch(`PR #${bundle.pullRequest} is not among workflow_run.pull_requests`);
  }
  if (!options.dryRun && token !== undefined) {
    const client = new GitHubClient({
      apiUrl: options.context.apiUrl,
      token,
      signal: options.signal,
    });
    const { data } = await client.request<{ head: { sha: string }; state: string }>(
      "GET",
      `/repos/${repo.owner}/${repo.repo}/pulls/${bundle.pullRequest}`,
    );
    if (data.head.sha !== run.headSha) {
      output.out(
        `perfgate: PR #${bundle.pullRequest} has moved on to ${data.head.sha}; skipping the comment for ${run.headSha}\n`,
      );
      return;
    }
  }
  await postComment(options, repo, token, bundle.pullRequest, bundle.markdown, output);
}
