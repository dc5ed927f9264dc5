import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRuns } from "../../test/fixtures/trends/make-runs.ts";
import { buildTrendModel } from "../report/trends.ts";
import { SCHEMA_VERSION } from "../schema/index.ts";
import { compactRuns, monthsBefore, readArchives } from "./archive.ts";
import { readRuns, writeRun } from "./run-store.ts";

let reports: string;
beforeEach(async () => {
  reports = await mkdtemp(path.join(os.tmpdir(), "perfgate-archive-"));
});
afterEach(async () => {
  await rm(reports, { recursive: true, force: true });
});

describe("compactRuns", () => {
  it("rolls old runs into a month archive without losing any trend point", async () => {
    const runs = makeRuns(12, 99);
    // Move the first 8 runs to October so they are older than the cutoff.
    for (const run of runs.slice(0, 8)) {
      run.startedAt = run.startedAt.replace("2026-11-01", "2026-10-01");
      run.finishedAt = run.finishedAt.replace("2026-11-01", "2026-10-01");
      run.runId = run.runId.replace("20261101", "20261001");
    }
    for (const run of runs) await writeRun(reports, run, "r\n");
    const before = buildTrendModel((await readRuns(reports)).runs);

    const result = await compactRuns(reports, "2026-11");
    expect(result).toEqual({ archived: 8, months: ["2026-10"] });
    expect((await readdir(path.join(reports, "runs"))).length).toBe(4);
    const archive = JSON.parse(
      await readFile(path.join(reports, "archive", "2026-10.json"), "utf8"),
    );
    expect(archive.runs).toHaveLength(8);
    expect(JSON.stringify(archive)).not.toContain('"hdr"');

    const after = buildTrendModel((await readRuns(reports)).runs, {
      archived: (await readArchives(reports)).runs,
    });
    expect(after.series.map((s) => s.points)).toEqual(before.series.map((s) => s.points));
  });

  it("is idempotent and refuses a malformed month", async () => {
    for (const run of makeRuns(3, 99)) await writeRun(reports, run, "r\n");
    expect((await compactRuns(reports, "2026-12")).archived).toBe(3);
    expect((await compactRuns(reports, "2026-12")).archived).toBe(0);
    expect((await readArchives(reports)).runs).toHaveLength(3);
    await expect(compactRuns(reports, "2026-1")).rejects.toMatchObject({ code: "E_USAGE" });
  });

  // issue 22 H12: month 13 was accepted and archived the current month.
  it.each(["2026-13", "2026-00"])(
    "refuses --before %s, a month that does not exist",
    async (month) => {
      for (const run of makeRuns(2, 99)) await writeRun(reports, run, "r\n");
      await expect(compactRuns(reports, month)).rejects.toMatchObject({
        code: "E_USAGE",
        exitCode: 2,
      });
      expect(await readdir(path.join(reports, "runs"))).toHaveLength(2);
    },
  );

  // issue 22 H11: a corrupt or future-version archive was an E_INTERNAL stack.
  it.each([
    ["corrupt", '{"schemaVersion":', "E_SCHEMA", /2026-11\.json: not JSON/],
    [
      "future",
      '{"schemaVersion":"99.0.0","month":"2026-11","runs":[]}',
      "E_SCHEMA_VERSION",
      /99\.0\.0/,
    ],
    ["invalid", '{"schemaVersion":SV,"month":"2026-11","runs":[{}]}', "E_SCHEMA", /runs\[0\]/],
  ])(
    "a %s month archive stops compact with the file named and nothing removed",
    async (_, text, code, message) => {
      for (const run of makeRuns(2, 99)) await writeRun(reports, run, "r\n");
      await mkdir(path.join(reports, "archive"), { recursive: true });
      const file = path.join(reports, "archive", "2026-11.json");
      await writeFile(file, text.replace("SV", JSON.stringify(SCHEMA_VERSION)));
      const error = await compactRuns(reports, "2026-12").catch((e: unknown) => e);
      expect(error).toMatchObject({ code, exitCode: 4 });
      expect((error as Error).message).toMatch(message);
      expect(await readdir(path.join(reports, "runs"))).toHaveLength(2);
      expect(await readFile(file, "utf8")).toBe(text.replace("SV", JSON.stringify(SCHEMA_VERSION)));
    },
  );
});

describe("monthsBefore", () => {
  it("counts whole UTC months back, across a year", () => {
    expect(monthsBefore(new Date("2026-03-31T23:30:00Z"), 3)).toBe("2025-12");
    expect(monthsBefore(new Date("2026-03-01T00:00:00Z"), 0)).toBe("2026-03");
  });
});
