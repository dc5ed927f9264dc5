import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGitInfo } from "./environment.ts";
import { resolveRef } from "./worktree.ts";

// Git refuses a repository owned by another user ("dubious ownership"): what a root container
// job sees over the runner's workspace. Reproducing it takes root (to chown the checkout away).
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("git.test: the dubious-ownership case needs root (chown); skipped");

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), "perfgate-git-"));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env });
  git("init", "-q");
  await writeFile(path.join(repo, "a.txt"), "a");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one");
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("git failures carry git's own reason", () => {
  it("a checkout of ours gives its sha; a folder outside any repository gives zeros", async () => {
    expect((await readGitInfo(repo)).sha).toMatch(/^[0-9a-f]{40}$/);
    const outside = await mkdtemp(path.join(os.tmpdir(), "perfgate-nogit-"));
    try {
      expect(await readGitInfo(outside)).toMatchObject({ sha: "0".repeat(40), ref: "unknown" });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it.skipIf(!isRoot)(
    "a checkout owned by another uid: git's message, never sha 0000000",
    async () => {
      execFileSync("chown", ["-R", "65534:65534", repo]);
      const saved = process.env.GIT_CONFIG_GLOBAL;
      process.env.GIT_CONFIG_GLOBAL = "/dev/null"; // no safe.directory from this machine's config
      try {
        await expect(readGitInfo(repo)).rejects.toMatchObject({
          code: "E_GIT",
          message: expect.stringMatching(/detected dubious ownership in repository/),
          hint: expect.stringContaining("safe.directory"),
        });
        const failure = resolveRef(repo, "HEAD~1");
        await expect(failure).rejects.toMatchObject({ code: "E_GIT" });
        await expect(failure).rejects.toThrow(/dubious ownership/);
        await expect(failure).rejects.not.toThrow(/is not a commit/);
      } finally {
        if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
        else process.env.GIT_CONFIG_GLOBAL = saved;
        execFileSync("chown", ["-R", "0:0", repo]);
      }
    },
  );
});
