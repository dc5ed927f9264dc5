import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResult } from "../schema/index.ts";
import { commitRun, describeCommit } from "./commit-run.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json");
let dir: string;
let run: RunResult;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-commit-"));
  run = JSON.parse(await readFile(FIXTURE, "utf8")) as RunResult;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("commitRun", () => {
  it("commits a complete run with its report and trend pages, redacted before rendering", async () => {
    const secret = {
      ...run,
      profile: "quick",
      warnings: [{ code: "http-errors" as const, message: "GET /x?token=S3CRET failed" }],
    };
    const reportsDir = path.join(dir, "reports");
    const committed = await commitRun(secret as RunResult, {
      reportsDir,
      perfDir: path.join(dir, ".perf"),
      save: true,
    });
    expect(committed.dir).toBe(path.join(reportsDir, "runs", run.runId));
    expect(await readdir(reportsDir)).toEqual(
      expect.arrayContaining(["runs", "TRENDS.md", "index.html"]),
    );
    const report = await readFile(path.join(committed.dir as string, "report.md"), "utf8");
    const scratch = await readFile(committed.scratch as string, "utf8");
    for (const text of [report, scratch, JSON.stringify(committed.model)]) {
      expect(text).not.toContain("S3CRET");
    }
    expect(describeCommit(committed, dir)).toMatch(
      /^wrote reports\/runs\/.*\{run\.json,report\.md\}/,
    );
  });

  it("keeps an interrupted run, or one not to be saved, out of reports/", async () => {
    const reportsDir = path.join(dir, "reports");
    const perfDir = path.join(dir, ".perf");
    const interrupted = await commitRun(
      { ...run, status: "interrupted" },
      { reportsDir, perfDir, save: true },
    );
    expect(interrupted.dir).toBeUndefined();
    expect(describeCommit(interrupted, dir)).toMatch(/\(interrupted; not committed to reports\/\)/);
    const unsaved = await commitRun(run, { reportsDir, perfDir, save: false });
    expect(unsaved.dir).toBeUndefined();
    expect(describeCommit(unsaved, dir)).toMatch(/\(--no-save; not committed/);
    await expect(readdir(reportsDir)).rejects.toThrow(/ENOENT/);
  });
});
