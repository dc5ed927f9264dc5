import { resolve } from "node:path";
import { BOT_EMAIL, BOT_NAME, commitReports } from "../../github/commit-reports.ts";
import { readGitHubContext } from "../../github/context.ts";
import { collectNotices } from "../../github/history-notices.ts";
import { readPublishInputs } from "../../github/inputs.ts";
import { reportChangepoints } from "../../github/issue.ts";
import { type CommentMode, commentFromBundle, publish } from "../../github/publish.ts";
import { commitHistory, pullHistory } from "../../pipeline/history-branch.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { choiceFlag, integerFlag, parseCommandArgs } from "../args.ts";
import type { CliIo, Command } from "../command.ts";

const SUBCOMMANDS_HELP = `subcommands:
  publish (--compare-dir <dir> | --markdown <file> [--verdicts <file>])
          [--comment off|direct|bundle] [--bundle-dir <dir>] [--pr <n>] [--dry-run]
      job summary (GITHUB_STEP_SUMMARY) and annotations for failing metrics; --comment direct
      posts the sticky PR comment now, --comment bundle writes it to --bundle-dir (default
      .perf/github/comment) for the trusted workflow_run job. --compare-dir takes the newest
      <dir>/<id>/comparison.{md,json} written by npm run compare
  comment --bundle <dir> [--dry-run]
      in a workflow_run job: post a bundle from a pull_request run as the sticky comment
  changepoint-issue [--reports-dir reports] [--label <l>] [--dry-run]
      one issue per commit where a level shift on main makes a metric worse (change points of
      the committed runs); a closed one stays closed. Or --markdown <file> [--key k] [--title t]:
      one issue with that body; an absent or empty file does nothing
  commit-reports [--path reports] [--message <m>] [--branch <b>] [--history-branch <h>] [--dry-run]
      commit report paths as github-actions[bot] and push, rebasing when main moved; with
      --history-branch (or PERFGATE_HISTORY_BRANCH), commit the reports folder as the root of
      that branch instead (gh-pages style), never touching the branch checked out
  history-pull --history-branch <h> [--path reports]
      restore the history branch into the reports folder before a run, so trend pages and the
      dashboard cover every run (a branch that does not exist yet is started by commit-reports)

Reads GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY.
--dry-run prints what would be posted and sends nothing.
`;

function required(value: string | undefined, flag: string, sub: string): string {
  if (value === undefined) {
    throw new HarnessError("E_USAGE", `github ${sub}: ${flag} is required`, {
      hint: "run `perfgate github --help`",
      exitCode: EXIT.usage,
    });
  }
  return value;
}

const COMMENT_MODES: readonly CommentMode[] = ["off", "direct", "bundle"];

async function runPublish(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("github publish", argv, {
    "compare-dir": { type: "string" },
    markdown: { type: "string" },
    verdicts: { type: "string" },
    comment: { type: "string", default: "off" },
    "bundle-dir": { type: "string", default: ".perf/github/comment" },
    pr: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  });
  // Flags first, so a typo is reported before any file is read.
  const comment = choiceFlag("github publish", "comment", values.comment, COMMENT_MODES);
  const pullRequest =
    values.pr === undefined
      ? undefined
      : integerFlag("github publish", "pr", values.pr, 1, 2 ** 31 - 1);
  const context = readGitHubContext(io.env);
  const { markdown, verdicts } = await readPublishInputs(io.cwd, {
    compareDir: values["compare-dir"],
    markdown: values.markdown,
    verdicts: values.verdicts,
  });
  await publish(
    {
      markdown,
      verdicts,
      context,
      pullRequest,
      comment,
      bundleDir: resolve(io.cwd, values["bundle-dir"]),
      dryRun: values["dry-run"],
      signal: io.signal,
    },
    io,
  );
  return EXIT.ok;
}

async function runComment(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("github comment", argv, {
    bundle: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  });
  const bundleDir = resolve(io.cwd, required(values.bundle, "--bundle", "comment"));
  const context = readGitHubContext(io.env);
  await commentFromBundle({ bundleDir, context, dryRun: values["dry-run"], signal: io.signal }, io);
  return EXIT.ok;
}

async function runChangepointIssue(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("github changepoint-issue", argv, {
    "reports-dir": { type: "string", default: "reports" },
    markdown: { type: "string" },
    title: { type: "string", default: "perfgate: performance change point on main" },
    key: { type: "string", default: "main" },
    label: { type: "string", multiple: true, default: ["performance"] },
    "dry-run": { type: "boolean", default: false },
  });
  const context = readGitHubContext(io.env);
  const notices = await collectNotices(
    { ...values, reportsDir: values["reports-dir"] },
    context,
    io.cwd,
    (m) => io.err(`warning: ${m}\n`),
  );
  const issues = notices.map((notice) => ({ ...notice, labels: values.label }));
  // Per-commit issues stay closed once a maintainer closed them; a --markdown issue is one
  // running thread, reopened as a new issue when the old one was closed.
  const includeClosed = values.markdown === undefined;
  const options = { context, dryRun: values["dry-run"], includeClosed, signal: io.signal };
  await reportChangepoints(issues, options, io);
  return EXIT.ok;
}

function historyOptions(io: CliIo, branch: string, paths: string[], remote: string) {
  const log = (line: string) => io.out(`${line}\n`);
  return { cwd: io.cwd, reportsDir: resolve(io.cwd, paths[0] ?? "reports"), branch, remote, log };
}

async function runHistoryPull(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("github history-pull", argv, {
    path: { type: "string", multiple: true, default: ["reports"] },
    "history-branch": { type: "string" },
    remote: { type: "string", default: "origin" },
  });
  const flag = "--history-branch (or PERFGATE_HISTORY_BRANCH)";
  const branch = values["history-branch"] || io.env.PERFGATE_HISTORY_BRANCH;
  const name = required(branch || undefined, flag, "history-pull");
  await pullHistory(historyOptions(io, name, values.path, values.remote));
  return EXIT.ok;
}

async function runCommitReports(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("github commit-reports", argv, {
    path: { type: "string", multiple: true, default: ["reports"] },
    message: { type: "string" },
    branch: { type: "string" },
    "history-branch": { type: "string" },
    remote: { type: "string", default: "origin" },
    "dry-run": { type: "boolean", default: false },
  });
  const branch = values.branch ?? io.env.GITHUB_REF_NAME;
  const runLabel = io.env.GITHUB_RUN_ID ? ` (run ${io.env.GITHUB_RUN_ID})` : "";
  const history = values["history-branch"] || io.env.PERFGATE_HISTORY_BRANCH;
  if (history) {
    await commitHistory({
      ...historyOptions(io, history, values.path, values.remote),
      message: values.message ?? `perf: record reports${runLabel}`,
      author: { name: BOT_NAME, email: BOT_EMAIL },
      dryRun: values["dry-run"],
    });
    return EXIT.ok;
  }
  await commitReports(
    {
      cwd: io.cwd,
      paths: values.path,
      message: values.message ?? `perf: record reports${runLabel}`,
      branch: required(branch, "--branch (or GITHUB_REF_NAME)", "commit-reports"),
      remote: values.remote,
      dryRun: values["dry-run"],
    },
    io,
  );
  return EXIT.ok;
}

const subcommands: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  publish: runPublish,
  comment: runComment,
  "changepoint-issue": runChangepointIssue,
  "commit-reports": runCommitReports,
  "history-pull": runHistoryPull,
};

/** `perfgate github <subcommand>`: the GitHub Actions side of perfgate (summary, comment, issue, commit). */
export const githubCommand: Command = {
  help: {
    usage: "github <subcommand> [options]",
    details: SUBCOMMANDS_HELP,
    examples: [
      "perfgate github publish --compare-dir .perf/compare --comment direct",
      "perfgate github comment --bundle ./perfgate-comment",
    ],
  },
  async run(argv, io) {
    const [sub = "", ...rest] = argv;
    const handler = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
    if (!handler) {
      throw new HarnessError(
        "E_USAGE",
        `github: ${sub ? `unknown subcommand "${sub}"` : "no subcommand"}`,
        {
          hint: `one of: ${Object.keys(subcommands).join(", ")}; see \`perfgate github --help\``,
          exitCode: EXIT.usage,
        },
      );
    }
    return handler(rest, io);
  },
};
