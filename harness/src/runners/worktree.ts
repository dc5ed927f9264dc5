import { spawn } from "node:child_process";
import { readFile, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { EXIT, HarnessError } from "../schema/index.ts";
import { git, gitError, tryGit } from "./git.ts";

export interface BaseTree {
  /** Root of the base's checkout. */
  root: string;
  sha: string;
  /** How its dependencies were provided. */
  install: "shared node_modules (same lockfile)" | "npm ci";
  remove(): Promise<void>;
}

/**
 * The commit a ref names, or a usage error that says how to find one. With `--quiet` git says
 * nothing about a ref it does not know, so any stderr is another failure (not a repository,
 * dubious ownership, a broken object store), reported in git's own words rather than as a
 * missing ref.
 */
export async function resolveRef(root: string, ref: string): Promise<string> {
  const args = ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`];
  const result = await tryGit(root, args);
  if (result.ok) return result.stdout;
  if (result.failure.stderr !== "" || result.failure.code !== 1) {
    throw gitError(args, result.failure, root);
  }
  throw new HarnessError("E_BAD_REF", `compare: --base ${ref} is not a commit in this repository`, {
    hint: "pass a branch, tag or sha that `git rev-parse` knows (in CI: fetch the base with fetch-depth: 0)",
    exitCode: EXIT.usage,
  });
}

function npmCi(root: string, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      signal,
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`npm ci exited ${code}: ${output.trim().split("\n").slice(-5).join("\n")}`),
        );
    });
    log("base: npm ci (its lockfile differs from the head's)…");
  });
}

/**
 * Check the base out beside the working tree (`git worktree add --detach`) and give it its
 * dependencies: the head's node_modules when the lockfiles are identical (the common case, and
 * seconds instead of a minute), else its own `npm ci`. A base that fails to install is a clear
 * error and the worktree is removed.
 */
export async function prepareBaseTree(
  root: string,
  ref: string,
  dir: string,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<BaseTree> {
  const sha = await resolveRef(root, ref);
  await rm(dir, { recursive: true, force: true });
  await git(root, ["worktree", "prune"]);
  await git(root, ["worktree", "add", "--detach", "--force", dir, sha]);
  const remove = async () => {
    await git(root, ["worktree", "remove", "--force", dir]).catch(() =>
      rm(dir, { recursive: true, force: true }),
    );
    await git(root, ["worktree", "prune"]).catch(() => {});
  };
  try {
    const [headLock, baseLock] = await Promise.all([
      readFile(path.join(root, "package-lock.json"), "utf8"),
      readFile(path.join(dir, "package-lock.json"), "utf8").catch(() => ""),
    ]);
    if (headLock === baseLock) {
      await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
      return { root: dir, sha, install: "shared node_modules (same lockfile)", remove };
    }
    await npmCi(dir, signal, log);
    return { root: dir, sha, install: "npm ci", remove };
  } catch (cause) {
    await remove();
    if (signal.aborted) throw cause;
    throw new HarnessError(
      "E_BASE_INSTALL",
      `compare: the base ${ref} (${sha.slice(0, 7)}) could not be installed: ${(cause as Error).message}`,
      {
        hint: "the base must install with npm ci; compare against a later base, or fix its lockfile",
        exitCode: EXIT.toolFailed,
        cause,
      },
    );
  }
}
