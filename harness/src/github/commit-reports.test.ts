import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureIo } from "../../test/capture-io.ts";
import { runCli } from "../cli/main.ts";
import { BOT_EMAIL, BOT_NAME, commitReports } from "./commit-reports.ts";

// Real git: a bare "origin", the workflow's clone, and a second clone that pushes meanwhile.
let root: string;
let work: string;
let other: string;
const lines: string[] = [];
const output = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=dev", "-c", "user.email=dev@example.com", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

function write(dir: string, path: string, text: string) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
}

beforeEach(() => {
  lines.length = 0;
  root = mkdtempSync(join(tmpdir(), "perfgate-commit-"));
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", "origin.git");
  git(root, "clone", "--quiet", "origin.git", "work");
  work = join(root, "work");
  write(work, "README.md", "app\n");
  git(work, "add", "README.md");
  git(work, "commit", "--quiet", "-m", "initial");
  git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
  git(root, "clone", "--quiet", "--branch", "main", "origin.git", "other");
  other = join(root, "other");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const options = (dryRun = false) => ({
  cwd: work,
  paths: ["reports"],
  message: "perf: record run",
  branch: "main",
  remote: "origin",
  dryRun,
});

describe("commitReports", () => {
  it("commits new report files as the Actions bot and pushes them", async () => {
    write(work, "reports/runs/20261120T092000Z_6dcb09b/run.json", "{}\n");
    write(work, "notes.txt", "not a report\n");
    const sha = await commitReports(options(), output);
    expect(git(join(root, "origin.git"), "log", "-1", "--format=%H %an <%ae> %s", "main")).toBe(
      `${sha} ${BOT_NAME} <${BOT_EMAIL}> perf: record run`,
    );
    expect(git(work, "show", "--name-only", "--format=", "HEAD")).toBe(
      "reports/runs/20261120T092000Z_6dcb09b/run.json",
    );
  });

  it("rebases onto a main that moved meanwhile and pushes", async () => {
    write(other, "src/feature.ts", "export {};\n");
    git(other, "add", ".");
    git(other, "commit", "--quiet", "-m", "feature");
    git(other, "push", "--quiet", "origin", "main");
    write(work, "reports/TRENDS.md", "# trends\n");
    await commitReports(options(), output);
    expect(git(join(root, "origin.git"), "log", "--format=%s", "main").split("\n")).toEqual([
      "perf: record run",
      "feature",
      "initial",
    ]);
    expect(lines.join("")).toContain("push rejected (attempt 1/3); rebasing onto origin/main");
  });

  it("does nothing when no report changed", async () => {
    expect(await commitReports(options(), output)).toBeUndefined();
    expect(lines.join("")).toContain("nothing to commit under reports");
    expect(git(work, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("--dry-run lists what it would commit and commits nothing", async () => {
    write(work, "reports/TRENDS.md", "# trends\n");
    expect(await commitReports(options(true), output)).toBeUndefined();
    expect(lines.join("")).toContain(
      "[dry-run] would commit as github-actions[bot] and push to origin main:\n?? reports/TRENDS.md",
    );
    expect(git(work, "rev-list", "--count", "HEAD")).toBe("1");
  });
});

describe("perfgate github commit-reports", () => {
  it("commits the config's reportsDir when no --path is given", async () => {
    write(
      work,
      "perfgate.config.json",
      JSON.stringify({
        target: { baseUrl: "http://127.0.0.1:3000" },
        profiles: { ci: { scenarios: ["a.ts"] } },
        reportsDir: "perf/history",
      }),
    );
    write(work, "perf/history/TRENDS.md", "# trends\n");
    write(work, "reports/stray.txt", "not this project's reports\n");
    const cli = captureIo(work);
    expect(await runCli(["github", "commit-reports", "--branch", "main"], cli), cli.output()).toBe(
      0,
    );
    expect(git(work, "show", "--name-only", "--format=", "HEAD")).toBe("perf/history/TRENDS.md");
  });
});
