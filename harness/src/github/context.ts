import { EXIT, HarnessError } from "../schema/index.ts";

/** The repository a workflow runs in, from `GITHUB_REPOSITORY` (`owner/name`). */
export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * What perfgate needs to know about the GitHub Actions run it is in. Read from the `GITHUB_*`
 * variables the runner sets, so the same code runs in a workflow, in a test with a fake
 * environment, and on a laptop with `--dry-run`.
 */
export interface GitHubContext {
  /** REST API root; `GITHUB_API_URL` (GitHub Enterprise, or the local double in tests). */
  apiUrl: string;
  serverUrl: string;
  repo: RepoRef | undefined;
  /** `GITHUB_TOKEN` (or `GH_TOKEN`); never printed. */
  token: string | undefined;
  eventName: string | undefined;
  eventPath: string | undefined;
  stepSummary: string | undefined;
  runId: string | undefined;
  /** True inside GitHub Actions (`GITHUB_ACTIONS=true`): annotations are then workflow commands. */
  actions: boolean;
}

/** The workflow expression that passes the job's token, quoted in hints. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
export const WORKFLOW_TOKEN = "${{ github.token }}";

const DEFAULT_API = "https://api.github.com";
const DEFAULT_SERVER = "https://github.com";

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Parses `owner/name`; undefined when absent, a usage error when malformed. */
export function parseRepo(
  value: string | undefined,
  source = "GITHUB_REPOSITORY",
): RepoRef | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new HarnessError("E_GITHUB_ENV", `${source}="${text}" is not of the form owner/name`, {
      hint: "GitHub Actions sets it; outside Actions pass --repo owner/name",
      exitCode: EXIT.usage,
    });
  }
  return { owner: match[1], repo: match[2] };
}

/** Reads the GitHub Actions context from environment variables. Pure: the env is passed in. */
export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  return {
    apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? DEFAULT_API).replace(/\/+$/, ""),
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? DEFAULT_SERVER).replace(/\/+$/, ""),
    repo: parseRepo(env.GITHUB_REPOSITORY),
    token: nonEmpty(env.GITHUB_TOKEN) ?? nonEmpty(env.GH_TOKEN),
    eventName: nonEmpty(env.GITHUB_EVENT_NAME),
    eventPath: nonEmpty(env.GITHUB_EVENT_PATH),
    stepSummary: nonEmpty(env.GITHUB_STEP_SUMMARY),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    actions: env.GITHUB_ACTIONS === "true",
  };
}

/** Link to the current workflow run, for comment footers; undefined outside Actions. */
export function runUrl(context: GitHubContext): string | undefined {
  if (!context.repo || !context.runId) return undefined;
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

/**
 * What an API call needs, checked all at once so one error lists every missing variable.
 * `dryRun` needs no token: nothing is sent.
 */
export function requireApi(
  context: GitHubContext,
  dryRun: boolean,
): { repo: RepoRef; token: string | undefined } {
  const missing: string[] = [];
  if (!context.repo) missing.push("GITHUB_REPOSITORY (owner/name)");
  if (!dryRun && !context.token) missing.push("GITHUB_TOKEN");
  if (missing.length > 0 || !context.repo) {
    throw new HarnessError("E_GITHUB_ENV", `missing ${missing.join(" and ")}`, {
      hint: `in a workflow step add \`env: { GITHUB_TOKEN: ${WORKFLOW_TOKEN} }\`; locally pass --dry-run to print what would be posted`,
      exitCode: EXIT.usage,
    });
  }
  return { repo: context.repo, token: context.token };
}
