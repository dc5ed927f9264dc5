import { execFileSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareBaseTree, resolveRef } from "./worktree.ts";

let repo: string;
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  })
    .toString()
    .trim();
const commit = async (files: Record<string, string>, message: string) => {
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(repo, name), text);
  git("add", ".");
  git("commit", "-qm", message);
  return git("rev-parse", "HEAD");
};

beforeEach(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), "perfgate-worktree-"));
  git("init", "-q");
  await mkdir(path.join(repo, "node_modules"));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("base worktree", () => {
  it("refuses a ref that names no commit, saying how to fix it", async () => {
    await commit({ "package-lock.json": "{}" }, "one");
    await expect(resolveRef(repo, "no-such-branch")).rejects.toMatchObject({
      code: "E_BAD_REF",
      exitCode: 2,
      message: expect.stringContaining("--base no-such-branch is not a commit"),
    });
  });

  it("shares the head's node_modules when the lockfiles match, and removes the checkout", async () => {
    const sha = await commit({ "package-lock.json": '{"lockfileVersion":3}' }, "one");
    await commit({ "a.txt": "x" }, "two");
    const dir = path.join(repo, ".perf", "base");
    const tree = await prepareBaseTree(repo, "HEAD~1", dir, new AbortController().signal, () => {});
    expect(tree.sha).toBe(sha);
    expect(tree.install).toBe("shared node_modules (same lockfile)");
    expect(lstatSync(path.join(dir, "node_modules")).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(dir, "a.txt"))).toBe(false);
    await tree.remove();
    expect(existsSync(dir)).toBe(false);
    expect(git("worktree", "list")).not.toContain(dir);
  });

  it("fails clearly when the base cannot be installed, leaving no checkout behind", async () => {
    await commit(
      { "package.json": '{"name":"x","version":"1.0.0"}', "package-lock.json": "not json" },
      "broken base",
    );
    await commit({ "package-lock.json": '{"lockfileVersion":3}' }, "fixed head");
    const dir = path.join(repo, ".perf", "base");
    await expect(
      prepareBaseTree(repo, "HEAD~1", dir, new AbortController().signal, () => {}),
    ).rejects.toMatchObject({
      code: "E_BASE_INSTALL",
      exitCode: 3,
      message: expect.stringMatching(
        /the base HEAD~1 \([0-9a-f]{7}\) could not be installed: npm ci exited/,
      ),
    });
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
