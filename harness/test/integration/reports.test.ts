import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRun } from "../../src/history/run-store.ts";
import { writeTrendPages } from "../../src/pipeline/trend-pages.ts";
import { chromePath, launchChromium } from "../chromium.ts";
import { makeRuns } from "../fixtures/trends/make-runs.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const committed = path.join(root, "reports");
const RUN_BUDGET_BYTES = 50 * 1024;

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), "perfgate-reports-it-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("committed reports/", () => {
  it("regenerates byte for byte from reports/runs/", async () => {
    const copy = path.join(temp, "regen");
    await mkdir(copy, { recursive: true });
    if (existsSync(path.join(committed, "runs")))
      await cp(path.join(committed, "runs"), path.join(copy, "runs"), { recursive: true });
    await writeTrendPages(copy);
    const generated = (await listFiles(copy)).filter((f) => !f.startsWith("runs/"));
    const present = existsSync(committed)
      ? (await listFiles(committed)).filter((f) => !f.startsWith("runs/") && f !== "README.md")
      : [];
    expect(present).toEqual(generated);
    for (const file of generated) {
      expect(await readFile(path.join(committed, file), "utf8"), file).toBe(
        await readFile(path.join(copy, file), "utf8"),
      );
    }
  });

  it("keeps every committed run.json within the 50 KB budget", async () => {
    const runs = existsSync(path.join(committed, "runs"))
      ? await readdir(path.join(committed, "runs"))
      : [];
    for (const runId of runs) {
      const size = (await stat(path.join(committed, "runs", runId, "run.json"))).size;
      expect(size, runId).toBeLessThanOrEqual(RUN_BUDGET_BYTES);
    }
  });
});

describe("dashboard in real headless Chromium", () => {
  it.skipIf(!chromePath)(
    "renders every chart with data points and no console errors",
    async () => {
      const reports = path.join(temp, "dash");
      for (const run of makeRuns(24, 12)) await writeRun(reports, run, `# ${run.runId}\n`);
      await writeTrendPages(reports);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const errors: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error") errors.push(message.text());
        });
        page.on("pageerror", (error) => errors.push(error.message));
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        await page.goto(`file://${path.join(reports, "index.html")}`);
        const charts = await page.$$eval("figure[data-key]", (figures) =>
          figures.map((f) => f.querySelectorAll("circle.point").length),
        );
        expect(charts.length).toBeGreaterThan(0);
        for (const points of charts) expect(points).toBe(24);
        expect(await page.$$eval(".change-point", (marks) => marks.length)).toBeGreaterThan(0);
        expect(errors).toEqual([]);
        expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
        const artifacts = path.join(root, ".perf", "test-artifacts");
        await mkdir(artifacts, { recursive: true });
        await page.screenshot({ path: path.join(artifacts, "dashboard.png"), fullPage: false });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
