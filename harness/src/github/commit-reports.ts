import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { HarnessError } from "../schema/index.ts";
import type { Output } from "./output.ts";

const run = promisify(execFile);

/** The identity GitHub shows for commits made with the workflow token. */
export const BOT_NAME = "github-actions[bot]";
export const BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com";

export interface CommitReportsOptions {
  cwd: string;
  /** Paths to commit (default `reports`): the run folders and regenerated trend pages. */
  paths: string[];
  message: string;
  /** Branch to push to; the workflow's `GITHUB_REF_NAME`. */
  branch: string;
  remote: string;
  dryRun: boolean;
  /** Pushes retried after rebasing onto a main that moved meanwhile. */
  attempts?: number;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(
      "git",
      ["-c", `user.name=${BOT_NAME}`, "-c", `user.email=${BOT_EMAIL}`, ...args],
      {
        cwd,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim() ?? (cause as Error).message;
    throw new HarnessError("E_GIT", `git ${args.join(" ")} failed: ${stderr}`, {
      hint: "the job needs `permissions: contents: write` and a checkout with persist-credentials",
      cause,
    });
  }
}

/**
 * Commits the given report paths as the Actions bot and pushes, rebasing and retrying when main
 * moved meanwhile. Runs never share files (each has its own `reports/runs/<runId>/`), and the
 * workflow's `concurrency` group keeps two perfgate jobs from pushing at once, so a rebase only
 * ever replays onto unrelated commits. Returns the new commit, or undefined when nothing changed.
 */
export async function commitReports(
  options: CommitReportsOptions,
  output: Output,
): Promise<string | undefined> {
  const status = await git(options.cwd, [
    "status",
    "--porcelain",
    "--untracked-files=all",
    "--",
    ...options.paths,
  ]);
  if (status.trim() === "") {
    output.out(`perfgate: nothing to commit under ${options.paths.join(", ")}\n`);
    return undefined;
  }
  if (options.dryRun) {
    output.out(
      `[dry-run] would commit as ${BOT_NAME} and push to ${options.remote} ${options.branch}:\n${status}[dry-run] end\n`,
    );
    return undefined;
  }
  await git(options.cwd, ["add", "--all", "--", ...options.paths]);
  await git(options.cwd, ["commit", "--quiet", "-m", options.message, "--", ...options.paths]);
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      await git(options.cwd, [
        "push",
        "--quiet",
        options.remote,
        `HEAD:refs/heads/${options.branch}`,
      ]);
      break;
    } catch (error) {
      if (attempt >= attempts) throw error;
      output.out(
        `perfgate: push rejected (attempt ${attempt}/${attempts}); rebasing onto ${options.remote}/${options.branch}\n`,
      );
      await git(options.cwd, ["pull", "--quiet", "--rebase", options.remote, options.branch]);
    }
  }
  const sha = (await git(options.cwd, ["rev-parse", "HEAD"])).trim();
  output.out(
    `perfgate: committed ${sha.slice(0, 7)} (${options.message}) and pushed to ${options.branch}\n`,
  );
  return sha;
}
