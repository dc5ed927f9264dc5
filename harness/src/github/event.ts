import { readFile } from "node:fs/promises";
import { z } from "zod";
import { EXIT, formatIssues, HarnessError } from "../schema/index.ts";

/** The part of a `pull_request` / `pull_request_target` payload perfgate uses. */
const PullRequestEvent = z.object({
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({
      sha: z.string().regex(/^[0-9a-f]{40}$/),
      repo: z.object({ full_name: z.string() }).nullable().optional(),
    }),
    base: z.object({
      sha: z.string().regex(/^[0-9a-f]{40}$/),
      repo: z.object({ full_name: z.string() }),
    }),
  }),
});

/** The part of a `workflow_run` payload perfgate uses (the trusted side of the fork split). */
const WorkflowRunEvent = z.object({
  workflow_run: z.object({
    id: z.number().int().positive(),
    event: z.string(),
    conclusion: z.string().nullable(),
    head_sha: z.string().regex(/^[0-9a-f]{40}$/),
    // Empty for pull requests from forks: GitHub only fills it for same-repository heads.
    pull_requests: z.array(z.object({ number: z.number().int().positive() })),
  }),
});

export interface PullRequestInfo {
  number: number;
  headSha: string;
  baseSha: string;
  /** The head lives in another repository: the workflow token is read-only there. */
  fork: boolean;
}

export interface WorkflowRunInfo {
  id: number;
  event: string;
  conclusion: string | null;
  headSha: string;
  pullRequests: number[];
}

/** Parses the part of an event payload a command needs, or names every missing field. */
function parseEvent<T>(schema: z.ZodType<T>, event: unknown, kind: string, hint: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues).join("; ");
    throw new HarnessError(
      "E_GITHUB_EVENT",
      `GITHUB_EVENT_PATH is not a ${kind} event: ${problems}`,
      {
        hint,
        exitCode: EXIT.usage,
      },
    );
  }
  return parsed.data;
}

/** Reads the event payload the runner wrote to `GITHUB_EVENT_PATH`. */
export async function readEventFile(path: string | undefined): Promise<unknown> {
  if (!path) {
    throw new HarnessError("E_GITHUB_ENV", "GITHUB_EVENT_PATH is not set", {
      hint: "run inside GitHub Actions, or pass --pr <number> (with --dry-run to print only)",
      exitCode: EXIT.usage,
    });
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new HarnessError(
      "E_GITHUB_ENV",
      `cannot read the event payload ${path}: ${(cause as Error).message}`,
      {
        hint: "GITHUB_EVENT_PATH must name the JSON file the runner wrote",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new HarnessError("E_GITHUB_ENV", `the event payload ${path} is not JSON`, {
      exitCode: EXIT.usage,
      cause,
    });
  }
}

/** The pull request of a `pull_request` event, or a usage error naming the missing fields. */
export function pullRequestFromEvent(event: unknown): PullRequestInfo {
  const hint = "run this step `on: pull_request`, or pass --pr <number>";
  const pr = parseEvent(PullRequestEvent, event, "pull_request", hint).pull_request;
  return {
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    fork: (pr.head.repo?.full_name ?? "") !== pr.base.repo.full_name,
  };
}

/** The triggering run of a `workflow_run` event, or a usage error naming the missing fields. */
export function workflowRunFromEvent(event: unknown): WorkflowRunInfo {
  const hint = "`perfgate github comment` runs in a workflow triggered `on: workflow_run`";
  const run = parseEvent(WorkflowRunEvent, event, "workflow_run", hint).workflow_run;
  return {
    id: run.id,
    event: run.event,
    conclusion: run.conclusion,
    headSha: run.head_sha,
    pullRequests: run.pull_requests.map((pr) => pr.number),
  };
}
