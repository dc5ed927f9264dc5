import { relative, resolve } from "node:path";
import { projectReports } from "../../config/load.ts";
import { BOT_EMAIL, BOT_NAME, commitReports } from "../../github/commit-reports.ts";
import { readGitHubContext } from "../../github/context.ts";
import { collectNotices } from "../../github/history-notices.ts";
import { readPublishInputs } from "../../github/inputs.ts";
import { reportChangepoints } from "../../github/issue.ts";
import { type CommentMode, commentFromBundle, publish } from "../../github/publish.ts";
import { commitHistory, pullHistory } from "../../pipeline/history-branch.ts";
import { EXIT } from "../../schema/index.ts";
import type { CliIo, Command } from "../command.ts";
import {
  bool,
  choice,
  type Flags,
  integer,
  parseFlags,
  reportsDirFlag,
  required,
  text,
  texts,
  usageError,
} from "../flags.ts";
import { flagRows } from "../help.ts";

const COMMENT_MODES: readonly CommentMode[] = ["off", "direct", "bundle"];
const DRY_RUN = bool("print what would be posted or pushed and send nothing");
const HISTORY_BRANCH = text(
  "a branch holding only the reports folder (gh-pages style; default: PERFGATE_HISTORY_BRANCH)",
);
const REPORT_PATHS = texts(
  "a reports folder; the first is the history branch's (default: the config's reportsDir, else reports)",
);
const REMOTE = text("the git remote", "origin");

/** A value a flag or an environment variable must give. */
function given(value: string | undefined, flag: string, sub: string): string {
  if (value) return value;
  throw usageError(`github ${sub}: ${flag} is required`, "run `perfgate github --help`");
}

interface Subcommand<F extends Flags> {
  summary: string;
  options: F;
  run(values: ReturnType<typeof parseFlags<F>>["values"], io: CliIo): Promise<void>;
}

/** A subcommand whose `run` gets its own flags, parsed and checked, before anything happens. */
function subcommand<F extends Flags>({ summary, options, run }: Subcommand<F>) {
  const parseAndRun = (name: string, argv: string[], io: CliIo) =>
    run(parseFlags(`github ${name}`, argv, options).values, io);
  return { summary, options: options as Flags, run: parseAndRun };
}

const publishCommand = subcommand({
  summary:
    "job summary (GITHUB_STEP_SUMMARY) and annotations for failing metrics; the sticky PR comment",
  options: {
    "compare-dir": text("the newest <dir>/<id>/comparison.{md,json} of npm run compare"),
    markdown: text("or: this markdown file"),
    verdicts: text("with --markdown: the verdicts JSON that annotations come from"),
    comment: choice(
      "direct posts the sticky PR comment now; bundle writes it for the trusted workflow_run job",
      COMMENT_MODES,
      "off",
    ),
    "bundle-dir": text("where --comment bundle writes", ".perf/github/comment"),
    pr: integer("pull request number (default: the event's)", [1, 2 ** 31 - 1]),
    "dry-run": DRY_RUN,
  },
  async run(values, io) {
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
        pullRequest: values.pr,
        comment: values.comment,
        bundleDir: resolve(io.cwd, values["bundle-dir"]),
        dryRun: values["dry-run"],
        signal: io.signal,
      },
      io,
    );
  },
});

const commentCommand = subcommand({
  summary: "in a workflow_run job: post a bundle from a pull_request run as the sticky comment",
  options: {
    bundle: required(text("the bundle folder"), "./perfgate-comment"),
    "dry-run": DRY_RUN,
  },
  async run(values, io) {
    const bundleDir = resolve(io.cwd, values.bundle);
    const context = readGitHubContext(io.env);
    const options = { bundleDir, context, dryRun: values["dry-run"], signal: io.signal };
    await commentFromBundle(options, io);
  },
});

const changepointIssueCommand = subcommand({
  summary:
    "one issue per commit where a level shift on main makes a metric worse; a closed one stays closed",
  options: {
    "reports-dir": reportsDirFlag("the committed runs whose change points are reported"),
    markdown: text("instead: one issue with this body; an absent or empty file does nothing"),
    title: text("with --markdown: the issue title", "perfgate: performance change point on main"),
    key: text("with --markdown: the key that finds the issue again", "main"),
    label: texts("issue label", ["performance"]),
    "dry-run": DRY_RUN,
  },
  async run(values, io) {
    const context = readGitHubContext(io.env);
    const warn = (message: string) => io.err(`warning: ${message}\n`);
    const { reportsDir } = await projectReports(io.cwd, values["reports-dir"]);
    const source = { ...values, reportsDir };
    const notices = await collectNotices(source, context, io.cwd, warn);
    const issues = notices.map((notice) => ({ ...notice, labels: values.label }));
    // Per-commit issues stay closed once a maintainer closed them; a --markdown issue is one
    // running thread, reopened as a new issue when the old one was closed.
    const includeClosed = values.markdown === undefined;
    const options = { context, dryRun: values["dry-run"], includeClosed, signal: io.signal };
    await reportChangepoints(issues, options, io);
  },
});

/** `--path`, else the config's reportsDir, as paths relative to the checkout. */
async function reportPaths(io: CliIo, paths: string[]): Promise<string[]> {
  if (paths.length) return paths;
  return [relative(io.cwd, (await projectReports(io.cwd, undefined)).reportsDir)];
}

function historyOptions(io: CliIo, branch: string, paths: string[], remote: string) {
  const log = (line: string) => io.out(`${line}\n`);
  return { cwd: io.cwd, reportsDir: resolve(io.cwd, paths[0] as string), branch, remote, log };
}

const commitReportsCommand = subcommand({
  summary:
    "commit report paths as github-actions[bot] and push, rebasing when the branch moved; with a history branch, commit the reports folder as that branch's root instead",
  options: {
    path: REPORT_PATHS,
    message: text("the commit message (default: perf: record reports (run <id>))"),
    branch: text("the branch to push (default: GITHUB_REF_NAME)"),
    "history-branch": HISTORY_BRANCH,
    remote: REMOTE,
    "dry-run": DRY_RUN,
  },
  async run(values, io) {
    const runLabel = io.env.GITHUB_RUN_ID ? ` (run ${io.env.GITHUB_RUN_ID})` : "";
    const message = values.message ?? `perf: record reports${runLabel}`;
    const history = values["history-branch"] || io.env.PERFGATE_HISTORY_BRANCH;
    const { remote, "dry-run": dryRun } = values;
    const paths = await reportPaths(io, values.path);
    if (history) {
      const author = { name: BOT_NAME, email: BOT_EMAIL };
      const options = historyOptions(io, history, paths, remote);
      await commitHistory({ ...options, message, author, dryRun });
      return;
    }
    const flag = "--branch (or GITHUB_REF_NAME)";
    const branch = given(values.branch ?? io.env.GITHUB_REF_NAME, flag, "commit-reports");
    await commitReports({ cwd: io.cwd, paths, message, branch, remote, dryRun }, io);
  },
});

const historyPullCommand = subcommand({
  summary:
    "restore the history branch into the reports folder before a run, so trend pages cover every run",
  options: { path: REPORT_PATHS, "history-branch": HISTORY_BRANCH, remote: REMOTE },
  async run(values, io) {
    const branch = values["history-branch"] || io.env.PERFGATE_HISTORY_BRANCH;
    const name = given(branch, "--history-branch (or PERFGATE_HISTORY_BRANCH)", "history-pull");
    await pullHistory(historyOptions(io, name, await reportPaths(io, values.path), values.remote));
  },
});

const subcommands: Record<string, ReturnType<typeof subcommand>> = {
  publish: publishCommand,
  comment: commentCommand,
  "changepoint-issue": changepointIssueCommand,
  "commit-reports": commitReportsCommand,
  "history-pull": historyPullCommand,
};

const details = `subcommands:\n${Object.entries(subcommands)
  .map(([name, sub]) => `  ${name}: ${sub.summary}\n${flagRows(sub.options, "    ").join("\n")}`)
  .join("\n")}\n
Reads GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY.\n`;

/** `perfgate github <subcommand>`: the GitHub Actions side of perfgate (summary, comment, issue, commit). */
export const githubCommand: Command = {
  help: {
    usage: "github <subcommand> [options]",
    details,
    examples: [
      "perfgate github publish --compare-dir .perf/compare --comment direct",
      "perfgate github comment --bundle ./perfgate-comment",
    ],
  },
  async run(argv, io) {
    const [name = "", ...rest] = argv;
    const sub = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
    if (!sub) {
      const hint = `one of: ${Object.keys(subcommands).join(", ")}; see \`perfgate github --help\``;
      throw usageError(`github: ${name ? `unknown subcommand "${name}"` : "no subcommand"}`, hint);
    }
    await sub.run(name, rest, io);
    return EXIT.ok;
  },
};
