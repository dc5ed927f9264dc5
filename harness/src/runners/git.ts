import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EXIT, HarnessError } from "../schema/index.ts";

const exec = promisify(execFile);

/** What a failed git call left behind: its exit code and its own stderr, trimmed. */
export interface GitFailure {
  code: number | string | undefined;
  /** git's stderr, empty when it said nothing (e.g. `rev-parse --quiet` on an unknown ref). */
  stderr: string;
  /** The stderr, or the spawn error when git never ran. */
  reason: string;
}

export type GitResult = { ok: true; stdout: string } | { ok: false; failure: GitFailure };

export interface GitCallOptions {
  timeout?: number;
  /** Added to the environment (e.g. GIT_INDEX_FILE for a private index). */
  env?: Record<string, string>;
}

/** Runs git and returns its stdout or its failure, never throwing: callers decide what it means. */
export async function tryGit(
  root: string,
  args: string[],
  options: GitCallOptions = {},
): Promise<GitResult> {
  try {
    const { stdout } = await exec("git", args, {
      cwd: root,
      timeout: options.timeout ?? 60_000,
      maxBuffer: 16 << 20,
      env: options.env ? { ...process.env, ...options.env } : process.env,
    });
    return { ok: true, stdout: stdout.trim() };
  } catch (cause) {
    const error = cause as { code?: number | string; stderr?: string; message?: string };
    const stderr = error.stderr?.trim() ?? "";
    const reason = stderr || error.message || String(cause);
    return { ok: false, failure: { code: error.code, stderr, reason } };
  }
}

/** Outside any repository (or git not installed): a run there is valid, just without provenance. */
export function isNoRepository(failure: GitFailure): boolean {
  return failure.code === "ENOENT" || /not a git repository/i.test(failure.stderr);
}

/**
 * A git failure as perfgate reports it: git's own reason first (e.g. "detected dubious
 * ownership in repository"), then a hint for the causes CI runs into.
 */
export function gitError(args: string[], failure: GitFailure, root: string): HarnessError {
  const dubious = /dubious ownership/i.test(failure.stderr);
  const hint = dubious
    ? `the checkout belongs to another user (a root container over the runner's workspace); run the job on the runner, or first: git config --global --add safe.directory ${root}`
    : "run the same git command in that directory to see the full error";
  return new HarnessError("E_GIT", `git ${args.join(" ")} failed in ${root}: ${failure.reason}`, {
    hint,
    exitCode: EXIT.toolFailed,
  });
}

/** stdout of a git command that must succeed, or an E_GIT error carrying git's reason. */
export async function git(root: string, args: string[], options?: GitCallOptions): Promise<string> {
  const result = await tryGit(root, args, options);
  if (result.ok) return result.stdout;
  throw gitError(args, result.failure, root);
}
