import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { runCli } from "../main.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../../../test/fixtures");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-ingest-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const io = () => captureIo(dir);

describe("perfgate ingest", () => {
  it("a k6 summary whose thresholds failed is committed with failing verdicts and exits 1", async () => {
    const cli = io();
    const file = path.join(FIXTURES, "raw/k6/summary-export-fail.json");
    expect(await runCli(["ingest", "--format", "k6-summary", "--id", "smoke", file], cli)).toBe(1);
    expect(cli.output()).toContain("ingested 1 suite(s) (smoke)");
    expect(await readdir(path.join(dir, "reports/runs"))).toHaveLength(1);
  });

  it("refuses an unknown format, naming the known ones", async () => {
    const cli = io();
    expect(await runCli(["ingest", "--format", "jmh", "x.json"], cli)).toBe(2);
    expect(cli.output()).toContain('--format "jmh" is not one of vitest-bench, tinybench');
  });

  it("ingests one file after another within a second, each as its own run", async () => {
    const file = path.join(FIXTURES, "ingest/benchmark.txt");
    const before = (await readdir(path.join(dir, "reports/runs"))).length;
    for (let i = 0; i < 3; i++) {
      expect(await runCli(["ingest", "--format", "benchmark.js", file], io())).toBe(0);
    }
    expect(await readdir(path.join(dir, "reports/runs"))).toHaveLength(before + 3);
  });
});
