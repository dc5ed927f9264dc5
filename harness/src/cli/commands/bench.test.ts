import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGolden } from "../../../test/golden.ts";
import { runBench } from "../../pipeline/bench.ts";
import { formatBenchTable } from "../../render/bench-table.ts";
import { parseRunResult } from "../../schema/index.ts";
import { benchCommand } from "./bench.ts";

const FIXTURE = path.join(import.meta.dirname, "../../../test/fixtures/raw/microbench");

describe("perfgate bench", () => {
  let root: string;
  const replay = (now?: () => Date) =>
    runBench({
      root,
      profile: "quick",
      replayRawDir: path.join(root, "raw"),
      signal: new AbortController().signal,
      log: () => {},
      env: {},
      ...(now ? { now } : {}),
    });
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "perfgate-bench-"));
    await cp(FIXTURE, path.join(root, "raw"), { recursive: true });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("replays captured raw records into a validated run record under .perf/<runId>/", async () => {
    const { run, rows, runDir } = await replay(() => new Date("2026-11-25T03:00:00Z"));
    expect(runDir).toBe(path.join(root, ".perf", run.runId));
    const stored = JSON.parse(await readFile(path.join(runDir, "run.json"), "utf8"));
    expect(parseRunResult(stored, "run.json").suites.map((s) => s.id)).toEqual(["lru", "pool"]);
    expect(run.env.tools).toEqual({ mitata: "1.0.34", tinybench: "6.2.4" });
    expect(
      rows.find((r) => r.group === "float64x64" && r.case === "pool")?.ratio?.median,
    ).toBeGreaterThan(1);
  });

  it("prints ratios against the baseline with their range, next to tinybench", async () => {
    const { rows } = await replay();
    const table = formatBenchTable(rows);
    expectGolden("cli/bench-table.txt", table);
    expect(table).toMatch(/^\* app .* \d\.\d\d× \[\d\.\d\d–\d\.\d\d\]/m);
  });

  it("rejects an unknown profile and a bad process count as usage errors", async () => {
    const io = {
      out: () => {},
      err: () => {},
      cwd: root,
      env: {},
      signal: new AbortController().signal,
    };
    await expect(benchCommand.run(["--profile", "huge"], io)).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(benchCommand.run(["--processes", "0"], io)).rejects.toThrow(/--processes "0"/);
  });
});
