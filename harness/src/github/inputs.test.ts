import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { locateComparison, readVerdicts } from "./inputs.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "perfgate-inputs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function comparison(id: string, mtime: Date) {
  mkdirSync(join(dir, id));
  writeFileSync(join(dir, id, "comparison.json"), "{}");
  utimesSync(join(dir, id, "comparison.json"), mtime, mtime);
}

describe("locateComparison", () => {
  it("takes the folder itself when it holds comparison.json", async () => {
    writeFileSync(join(dir, "comparison.json"), "{}");
    expect(await locateComparison(dir)).toEqual({
      markdown: join(dir, "comparison.md"),
      verdicts: join(dir, "comparison.json"),
    });
  });

  it("takes the newest <id>/comparison.json, ignoring run folders without one", async () => {
    comparison("20261120T091500Z_aaaaaaa", new Date(2026, 10, 20, 9, 15));
    comparison("20261120T092000Z_bbbbbbb", new Date(2026, 10, 20, 9, 20));
    mkdirSync(join(dir, "20261120T093000Z_ccccccc"));
    expect((await locateComparison(dir)).verdicts).toBe(
      join(dir, "20261120T092000Z_bbbbbbb", "comparison.json"),
    );
  });

  it("says to run compare first when there is none", async () => {
    await expect(locateComparison(join(dir, "absent"))).rejects.toMatchObject({
      code: "E_USAGE",
      hint: expect.stringContaining("npm run compare -- --base <ref>"),
    });
  });
});

describe("readVerdicts", () => {
  it("names the index and field of every bad verdict", async () => {
    const file = join(dir, "v.json");
    writeFileSync(file, JSON.stringify({ verdicts: [{ suite: "s" }] }));
    await expect(readVerdicts(file)).rejects.toThrow(
      /verdicts\[0\]\.metric: .*verdicts\[0\]\.source/,
    );
  });
});
