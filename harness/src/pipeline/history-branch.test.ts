import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitHistory, pullHistory } from "./history-branch.ts";

// Real git: a bare "origin", the workflow's clone on main, and a second clone for a concurrent
// writer. The history branch must change while main, its index and working tree do not.
let root: string;
let work: string;
const logs: string[] = [];
const author = { name: "github-actions[bot]", email: "bot@example.com" };

function git(cwd: string, ...args: string[]): string {
  const identity = ["-c", "user.name=dev", "-c", "user.email=dev@example.com"];
  return execFileSync("git", [...identity, ...args], { cwd, encoding: "utf8" }).trim();
}
function write(dir: string, file: string, text: string) {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
}
const options = (cwd = work) => ({
  cwd,
  reportsDir: join(cwd, "reports"),
  branch: "perfgate-history",
  remote: "origin",
  message: "perf: record run",
  author,
  log: (line: string) => logs.push(line),
});

beforeEach(() => {
  logs.length = 0;
  root = mkdtempSync(join(tmpdir(), "perfgate-history-"));
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", "origin.git");
  git(root, "clone", "--quiet", "origin.git", "work");
  work = join(root, "work");
  write(work, "README.md", "app\n");
  git(work, "add", "README.md");
  git(work, "commit", "--quiet", "-m", "initial");
  git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const origin = () => join(root, "origin.git");
const files = (ref: string) => git(origin(), "ls-tree", "-r", "--name-only", ref).split("\n");

describe("history on a branch of its own", () => {
  it("starts the branch from the reports folder, at its root, leaving main untouched", async () => {
    const mainBefore = git(work, "rev-parse", "HEAD");
    write(work, "reports/runs/r1/run.json", "{}\n");
    write(work, "reports/index.html", "<html>\n");
    write(work, "reports/.lock", "123\n");
    expect(await pullHistory(options())).toBeUndefined();
    const sha = await commitHistory(options());
    expect(git(origin(), "rev-parse", "perfgate-history")).toBe(sha);
    expect(files("perfgate-history")).toEqual(["index.html", "runs/r1/run.json"]);
    expect(git(origin(), "log", "-1", "--format=%an %s", "perfgate-history")).toBe(
      "github-actions[bot] perf: record run",
    );
    // main: same commit locally and on origin, same branch checked out, nothing staged.
    expect(git(work, "rev-parse", "HEAD")).toBe(mainBefore);
    expect(git(origin(), "rev-parse", "main")).toBe(mainBefore);
    expect(git(work, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(git(work, "diff", "--cached", "--name-only")).toBe("");
  });

  it("a later job restores the history, adds its run on top and pushes one commit", async () => {
    write(work, "reports/runs/r1/run.json", "{}\n");
    const first = await commitHistory(options());
    // A fresh clone of main (the next push's job) has no reports at all.
    git(root, "clone", "--quiet", "--branch", "main", "origin.git", "next");
    const next = join(root, "next");
    expect(existsSync(join(next, "reports"))).toBe(false);
    expect(await pullHistory(options(next))).toBe(first);
    expect(readFileSync(join(next, "reports/runs/r1/run.json"), "utf8")).toBe("{}\n");
    write(next, "reports/runs/r2/run.json", "{}\n");
    const second = await commitHistory(options(next));
    expect(git(origin(), "rev-parse", "perfgate-history~1")).toBe(first);
    expect(git(origin(), "rev-parse", "perfgate-history")).toBe(second);
    expect(files("perfgate-history")).toEqual(["runs/r1/run.json", "runs/r2/run.json"]);
    expect(await commitHistory(options(next))).toBeUndefined();
    expect(logs.join("\n")).toMatch(/nothing to commit/);
    // A folder restored from the tip is the whole history: a run removed from it goes too.
    rmSync(join(next, "reports/runs/r1"), { recursive: true });
    await commitHistory(options(next));
    expect(files("perfgate-history")).toEqual(["runs/r2/run.json"]);
  });

  it("replays onto a tip another job pushed meanwhile, keeping both runs", async () => {
    write(work, "reports/runs/r1/run.json", "{}\n");
    await commitHistory(options());
    git(root, "clone", "--quiet", "--branch", "main", "origin.git", "other");
    const other = join(root, "other");
    await pullHistory(options(other));
    await pullHistory(options());
    write(other, "reports/runs/r2/run.json", "{}\n");
    await commitHistory(options(other));
    // Our folder was restored before r2 landed: the commit goes on top of r2, removing nothing.
    write(work, "reports/runs/r3/run.json", "{}\n");
    await commitHistory(options());
    expect(files("perfgate-history")).toEqual([
      "runs/r1/run.json",
      "runs/r2/run.json",
      "runs/r3/run.json",
    ]);
  });

  it("refuses to write history onto the branch checked out", async () => {
    await expect(commitHistory({ ...options(), branch: "main" })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("is the branch checked out here"),
    });
  });

  it("without a remote, keeps the branch local", async () => {
    git(work, "remote", "remove", "origin");
    write(work, "reports/TRENDS.md", "# trends\n");
    const sha = await commitHistory(options());
    expect(git(work, "rev-parse", "refs/heads/perfgate-history")).toBe(sha);
    expect(git(work, "show", "perfgate-history:TRENDS.md")).toBe("# trends");
  });
});
