import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { git, tryGit } from "../runners/git.ts";
import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * Run history kept on a branch of its own (gh-pages style) instead of committed to the branch
 * being measured: the branch's root is the reports folder (dashboard index.html, TRENDS.md,
 * runs/), so GitHub Pages can serve it as it is. Everything goes through git plumbing and a
 * private index: the checked-out branch, its index and its working tree are never touched.
 */
export interface HistoryBranchOptions {
  /** The repository's working tree. */
  cwd: string;
  /** The local reports folder, e.g. <cwd>/reports. */
  reportsDir: string;
  branch: string;
  /** Remote to fetch from and push to; none (a repository without it) keeps the branch local. */
  remote: string;
  log: (line: string) => void;
}

export interface CommitHistoryOptions extends HistoryBranchOptions {
  message: string;
  /** Identity of the commit (the Actions bot in CI). */
  author: { name: string; email: string };
  dryRun?: boolean;
  /** Pushes retried on top of a branch that moved meanwhile. */
  attempts?: number;
}

/** The run store's lock and half-written run folders: never history (see the root .gitignore). */
const TRANSIENT = [":(exclude).lock", ":(exclude,glob)runs/.*.tmp/**"];
/** The tip last restored into the reports folder: the commit may mirror removals only onto it. */
const RESTORED = "refs/perfgate/history-restored";
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

async function hasRemote(cwd: string, remote: string): Promise<boolean> {
  return (await tryGit(cwd, ["remote", "get-url", remote])).ok;
}

function refusesCheckedOut(branch: string, current: string): void {
  if (branch !== current) return;
  throw new HarnessError(
    "E_USAGE",
    `--history-branch ${branch} is the branch checked out here; history goes to a branch of its own`,
    { hint: "pick another name, e.g. perfgate-history", exitCode: EXIT.usage },
  );
}

/**
 * The history branch's tip after fetching it, or undefined while it does not exist yet. The
 * remote-tracking ref is the source of truth when there is a remote; else the local branch.
 */
export async function fetchHistoryTip(options: HistoryBranchOptions): Promise<string | undefined> {
  const { cwd, branch, remote } = options;
  const current = await git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
  refusesCheckedOut(branch, current);
  let ref = `refs/heads/${branch}`;
  if (await hasRemote(cwd, remote)) {
    ref = `refs/remotes/${remote}/${branch}`;
    const args = ["fetch", "--quiet", "--no-tags", remote, `+refs/heads/${branch}:${ref}`];
    const fetched = await tryGit(cwd, args);
    if (!fetched.ok) {
      if (!/couldn't find remote ref/i.test(fetched.failure.stderr)) await git(cwd, args);
      return undefined;
    }
  }
  const tip = await tryGit(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return tip.ok ? tip.stdout : undefined;
}

function extract(cwd: string, tip: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn("git", ["archive", "--format=tar", tip], { cwd });
    const tar = spawn("tar", ["-x", "-C", into]);
    let stderr = "";
    archive.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    tar.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    archive.stdout.pipe(tar.stdin);
    archive.on("error", reject);
    tar.on("error", reject);
    tar.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(
            new HarnessError("E_GIT", `extracting ${tip.slice(0, 7)} failed: ${stderr.trim()}`),
          ),
    );
  });
}

/**
 * Brings the committed history into the local reports folder (files from the branch overwrite
 * local ones; local files the branch lacks stay), so `report` regenerates trend pages over all
 * of it. Returns the tip it restored, or undefined for a branch that does not exist yet.
 */
export async function pullHistory(options: HistoryBranchOptions): Promise<string | undefined> {
  const tip = await fetchHistoryTip(options);
  if (!tip) {
    options.log(`perfgate: history branch ${options.branch} does not exist yet; starting it`);
    return undefined;
  }
  await mkdir(options.reportsDir, { recursive: true });
  await extract(options.cwd, tip, options.reportsDir);
  await git(options.cwd, ["update-ref", RESTORED, tip]);
  options.log(
    `perfgate: restored ${options.branch} (${tip.slice(0, 7)}) into ${options.reportsDir}`,
  );
  return tip;
}

/**
 * The commit that puts the reports folder on top of `parent`: a private index starts from the
 * parent's tree, takes the folder's files (`mirror`: removals too, for a folder restored from
 * that very parent; else additions and changes only, when replaying onto a tip that moved).
 */
async function buildCommit(
  options: CommitHistoryOptions,
  parent: string | undefined,
  mirror: boolean,
  scratch: string,
): Promise<string | undefined> {
  const { cwd, reportsDir, author } = options;
  const env = { GIT_INDEX_FILE: path.join(scratch, `index-${Date.now()}`) };
  await git(cwd, ["read-tree", parent ? `${parent}^{tree}` : EMPTY_TREE], { env });
  const add = mirror ? ["add", "--all"] : ["add", "--ignore-removal"];
  const gitDir = await git(cwd, ["rev-parse", "--absolute-git-dir"]);
  // Run from inside the folder, which is the work tree: its files land at the branch's root.
  await git(reportsDir, [`--git-dir=${gitDir}`, "--work-tree=.", ...add, "--", ".", ...TRANSIENT], {
    env,
  });
  const tree = await git(cwd, ["write-tree"], { env });
  const parentTree = parent ? await git(cwd, ["rev-parse", `${parent}^{tree}`]) : EMPTY_TREE;
  if (tree === parentTree) return undefined;
  const identity = ["-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`];
  const parents = parent ? ["-p", parent] : [];
  return git(cwd, [...identity, "commit-tree", tree, ...parents, "-m", options.message]);
}

/**
 * Commits the reports folder to the history branch and pushes it, retrying on top of a tip
 * that moved meanwhile (the workflow's concurrency group makes that rare). Returns the new
 * commit, or undefined when nothing changed or on a dry run.
 */
export async function commitHistory(options: CommitHistoryOptions): Promise<string | undefined> {
  const { cwd, branch, remote, log } = options;
  const pushes = (await hasRemote(cwd, remote)) && !options.dryRun;
  const scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-history-"));
  try {
    let parent = await fetchHistoryTip(options);
    const restored = await tryGit(cwd, ["rev-parse", "--verify", "--quiet", RESTORED]);
    const attempts = options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      // The folder is the whole history only when it was restored from this very tip.
      const mirror = parent === undefined || (restored.ok && restored.stdout === parent);
      const commit = await buildCommit(options, parent, mirror, scratch);
      if (!commit) {
        log(`perfgate: ${branch} already holds these reports; nothing to commit`);
        return undefined;
      }
      if (options.dryRun) {
        const files = await git(cwd, ["diff", "--stat", parent ?? EMPTY_TREE, commit]);
        log(`[dry-run] would push ${commit.slice(0, 7)} to ${branch}:\n${files}\n[dry-run] end`);
        return undefined;
      }
      if (!pushes) {
        await git(cwd, ["update-ref", `refs/heads/${branch}`, commit, ...(parent ? [parent] : [])]);
        await git(cwd, ["update-ref", RESTORED, commit]);
        log(`perfgate: committed ${commit.slice(0, 7)} to local branch ${branch}`);
        return commit;
      }
      const pushed = await tryGit(cwd, [
        "push",
        "--quiet",
        remote,
        `${commit}:refs/heads/${branch}`,
      ]);
      if (pushed.ok) {
        await git(cwd, ["update-ref", `refs/heads/${branch}`, commit]);
        await git(cwd, ["update-ref", RESTORED, commit]);
        log(`perfgate: committed ${commit.slice(0, 7)} and pushed to ${remote} ${branch}`);
        return commit;
      }
      if (attempt >= attempts) {
        await git(cwd, ["push", "--quiet", remote, `${commit}:refs/heads/${branch}`]);
      }
      log(`perfgate: push to ${branch} rejected (attempt ${attempt}/${attempts}); replaying`);
      parent = await fetchHistoryTip(options);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
