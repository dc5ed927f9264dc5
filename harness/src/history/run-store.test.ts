import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResult } from "../schema/index.ts";
import { withReportsLock } from "./lock.ts";
import { readRuns, writeRun } from "./run-store.ts";

const fixture = path.join(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json");
let reports: string;
let run: RunResult;

beforeEach(async () => {
  reports = await mkdtemp(path.join(os.tmpdir(), "perfgate-reports-"));
  run = JSON.parse(await readFile(fixture, "utf8"));
});
afterEach(async () => {
  await rm(reports, { recursive: true, force: true });
});

describe("writeRun", () => {
  it("writes run.json and report.md into runs/<runId>/ and nothing else", async () => {
    const dir = await writeRun(reports, run, "# report\n");
    expect(path.basename(dir)).toBe(run.runId);
    expect((await readdir(dir)).sort()).toEqual(["report.md", "run.json"]);
    expect(JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"))).toEqual(run);
    expect(await readdir(path.join(reports, "runs"))).toEqual([run.runId]);
    expect(await readdir(reports)).toEqual(["runs"]);
  });

  it("never rewrites an earlier run", async () => {
    await writeRun(reports, run, "first\n");
    await expect(writeRun(reports, run, "second\n")).rejects.toMatchObject({
      code: "E_RUN_EXISTS",
    });
    expect(await readFile(path.join(reports, "runs", run.runId, "report.md"), "utf8")).toBe(
      "first\n",
    );
  });

  it("refuses an invalid record before touching the folder", async () => {
    const bad = { ...run, suites: [{ ...run.suites[0], kind: "nope" }] } as unknown as RunResult;
    await expect(writeRun(reports, bad, "x")).rejects.toMatchObject({ code: "E_SCHEMA" });
    expect(await readdir(reports)).toEqual([]);
  });
});

describe("readRuns", () => {
  it("returns valid runs oldest first and a warning per corrupt or future record", async () => {
    await writeRun(reports, run, "r\n");
    const later = { ...run, runId: "20261126T000000Z_abc1234" };
    await writeRun(reports, later, "r\n");
    await mkdir(path.join(reports, "runs", "20261120T000000Z_bad0000"));
    await writeFile(
      path.join(reports, "runs", "20261120T000000Z_bad0000", "run.json"),
      "{ not json",
    );
    await mkdir(path.join(reports, "runs", "20261121T000000Z_f0f0f0f"));
    await writeFile(
      path.join(reports, "runs", "20261121T000000Z_f0f0f0f", "run.json"),
      JSON.stringify({ ...run, schemaVersion: 9 }),
    );
    const loaded = await readRuns(reports);
    expect(loaded.runs.map((r) => r.runId)).toEqual([run.runId, later.runId]);
    expect(loaded.warnings).toHaveLength(2);
    expect(loaded.warnings.every((w) => w.code === "history-skipped")).toBe(true);
    expect(loaded.warnings[1]?.message).toContain("schemaVersion 9 is not supported");
  });

  it("is empty when there is no history yet", async () => {
    expect(await readRuns(path.join(reports, "missing"))).toEqual({ runs: [], warnings: [] });
  });
});

describe("withReportsLock", () => {
  it("serializes concurrent writers", async () => {
    const order: string[] = [];
    const slow = withReportsLock(reports, async () => {
      order.push("a-start");
      await new Promise((resolve) => setTimeout(resolve, 150));
      order.push("a-end");
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fast = withReportsLock(reports, async () => {
      order.push("b");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["a-start", "a-end", "b"]);
    expect(await readdir(reports)).toEqual([]);
  });

  it("takes over a lock left by a dead process", async () => {
    await writeFile(path.join(reports, ".lock"), "999999999");
    await expect(withReportsLock(reports, async () => "done")).resolves.toBe("done");
  });

  it("gives up with a clear error while a live process holds the lock", async () => {
    await writeFile(path.join(reports, ".lock"), String(process.ppid));
    await expect(
      withReportsLock(reports, async () => "never", { timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: "E_LOCKED",
    });
  });
});
