import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import {
  comparisonVerdicts,
  decideComparison,
  failingMetrics,
  toComparisonInputs,
} from "../report/comparison.ts";
import { type BlockSample, ComparisonRecord } from "../schema/index.ts";
import { parseGates } from "../verdicts/gates.ts";
import { renderComparisonMarkdown } from "./comparison-markdown.ts";

const fixtures = path.join(import.meta.dirname, "../../test/fixtures/compare");
const gatesFile = path.join(import.meta.dirname, "../../config/gates.json");
const samples = JSON.parse(
  readFileSync(path.join(fixtures, "samples.json"), "utf8"),
) as BlockSample[];
const gates = parseGates(readFileSync(gatesFile, "utf8"), gatesFile);

function record(extra: Partial<ComparisonRecord> = {}): ComparisonRecord {
  const final = decideComparison(
    toComparisonInputs(samples),
    gates,
    {},
    { seed: 1, today: "2026-11-25" },
  );
  return ComparisonRecord.parse({
    schemaVersion: 1,
    id: "compare-20261125T070812Z_e002d5d",
    status: "complete",
    mode: "compare",
    startedAt: "2026-11-25T07:08:12.000Z",
    finishedAt: "2026-11-25T07:10:40.000Z",
    base: {
      ref: "43e6151",
      sha: "43e6151".padEnd(40, "0"),
      install: "shared node_modules (same lockfile)",
    },
    head: { sha: "e002d5d".padEnd(40, "0"), dirty: true },
    settings: { suites: ["microbench:pool", "load"], blocks: 4, confirmBlocks: 3, seed: 1 },
    rounds: [{ name: "initial", blocks: 4, suites: ["microbench:pool", "load"], decisions: final }],
    final,
    verdicts: comparisonVerdicts(final),
    failing: failingMetrics(final),
    ...extra,
  });
}

const environment = {
  cpuModel: "AMD EPYC 7763",
  cores: 2,
  memoryBytes: 8 * 1024 ** 3,
  os: "Linux 6.8.0",
  arch: "x64",
  node: "20.19.5",
  v8: "12.4",
  ci: true,
  runner: "GitHub Actions 3",
  tools: {},
  loadAvgBefore: [0.6, 0.5, 0.4] as [number, number, number],
  loadAvgAfter: [1.9, 1.1, 0.6] as [number, number, number],
};

/** Six blocks of one metric: head = base × factor, with a little per-block noise. */
function synthetic(factor: number): BlockSample[] {
  const out: BlockSample[] = [];
  for (let block = 0; block < 6; block++) {
    const base = [100 + block, 101 + block, 99 + block];
    const wobble = 1 + (block % 3) * 0.002;
    for (const side of ["base", "head"] as const)
      out.push({
        suiteId: "microbench/pool",
        metricId: "object16/pool",
        unit: "ns",
        direction: "lower",
        side,
        block,
        values: side === "base" ? base : base.map((v) => v * factor * wobble),
      });
  }
  return out;
}

function recordFrom(blockSamples: BlockSample[], blocks: number): ComparisonRecord {
  const final = decideComparison(
    toComparisonInputs(blockSamples),
    gates,
    {},
    { seed: 1, today: "2026-11-25" },
  );
  return record({
    final,
    verdicts: comparisonVerdicts(final),
    failing: failingMetrics(final),
    rounds: [{ name: "initial", blocks, suites: ["microbench:pool"], decisions: final }],
  });
}

/** The `base → head (paired)` and `Δ` cells of every table row. */
function tableRows(markdown: string): { base: number; head: number; delta: number }[] {
  const rows = markdown.split("\n").filter((l) => /^\| [^|]+ \| [^|]+ · /.test(l));
  return rows.map((row) => {
    const cells = row.split(" | ");
    const [base, head] = (cells[2] as string)
      .replace(/\u00a0/g, " ")
      .split(" → ")
      .map((v) => Number.parseFloat(v.replace(/,/g, "")));
    const delta = Number.parseFloat((cells[3] as string).replace("−", "-"));
    return { base: base as number, head: head as number, delta };
  });
}

describe("comparison markdown (recorded blocks of a real compare)", () => {
  it("renders the PR comment: all inconclusive, said in the header", () => {
    const text = renderComparisonMarkdown(
      record({
        environment,
        foreignLoad: { foreignCores: 0.12, foreignCoresMax: 0.61, stealPct: 0 },
        runUrl: "https://github.com/o/r/actions/runs/42",
      }),
    );
    expectGolden("compare/comparison.md", text);
    expect(text).toContain(
      "### ⚠ Inconclusive: 12 of 12 metrics undecided at 4 blocks (11 too noisy) — no regression confirmed",
    );
    expect(text).not.toContain("No confirmed regression");
  });

  it("says 'too noisy' in the header when every metric is inconclusive for noise", () => {
    const base = record();
    const noisy = base.final.map((d) => ({
      ...d,
      blocks: 2,
      evidence: `${d.evidence}; inconclusive: too noisy or too few blocks (MDE 50.0% > threshold 5.0%; ~99 blocks needed)`,
    }));
    const text = renderComparisonMarkdown({ ...base, final: noisy });
    expect(text).toContain(
      "### ⚠ Inconclusive: 12 of 12 metrics too noisy at 2 blocks — no regression confirmed",
    );
  });

  it("says the blocks were measured under foreign load when they were", () => {
    const busy = renderComparisonMarkdown(
      record({ environment, foreignLoad: { foreignCores: 1.4, foreignCoresMax: 2, stealPct: 0 } }),
    );
    expect(busy).toContain(
      "> ⚠ **foreign-load**: other processes used 1.40 cores on average (peak 2.00), steal 0.0% — these verdicts were measured under load",
    );
    const quiet = renderComparisonMarkdown(
      record({
        environment,
        foreignLoad: { foreignCores: 0.1, foreignCoresMax: 0.4, stealPct: 0 },
      }),
    );
    expect(quiet).toContain("**Foreign load**: other processes used 0.10 cores");
    expect(quiet).not.toContain("⚠ **foreign-load**");
  });

  it("gives every inconclusive its reason in the table row", () => {
    const rows = renderComparisonMarkdown(record())
      .split("\n")
      .filter((l) => l.startsWith("| ❔"));
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatch(/inconclusive — (too noisy \(detects|interval)/);
  });

  it("prints a Δ that agrees with the base and head beside it", () => {
    const rows = tableRows(renderComparisonMarkdown(record()));
    expect(rows).toHaveLength(12);
    for (const { base, head, delta } of rows) {
      // The cells are rounded to 3-4 significant digits: allow that much, not more.
      expect(Math.abs((head / base - 1) * 100 - delta)).toBeLessThan(1.5);
    }
  });

  it("says a confirmed regression in the header and fits five columns", () => {
    const text = renderComparisonMarkdown(recordFrom(synthetic(1.3), 6));
    expectGolden("compare/comparison-regressed.md", text);
    expect(text).toContain("### ❌ 1 confirmed regression: microbench/pool/object16/pool");
    const header = text.split("\n").find((l) => l.startsWith("| | metric"));
    expect(header?.split("|").length).toBe(7);
  });

  it("says no change beyond noise when every metric is within its gate", () => {
    const text = renderComparisonMarkdown(recordFrom(synthetic(1.001), 6));
    expect(text).toContain("### ✅ No change beyond noise");
  });

  it("says loudly when the comparison did not finish", () => {
    const text = renderComparisonMarkdown(
      record({
        status: "interrupted",
        error: "interrupted (Ctrl+C or SIGTERM) before every block ran",
      }),
    );
    expect(text).toContain(
      "> **INTERRUPTED**: interrupted (Ctrl+C or SIGTERM) before every block ran — no verdict below gates anything.",
    );
  });

  it("pairs blocks by id and leaves out a block that lacks one side", () => {
    const inputs = toComparisonInputs([
      ...samples.filter((s) => s.suiteId === "microbench/pool" && s.metricId === "object16/pool"),
      {
        suiteId: "microbench/pool",
        metricId: "object16/pool",
        unit: "ns",
        direction: "lower",
        side: "base",
        block: 99,
        values: [1],
      },
    ]);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.blocks).toHaveLength(4);
  });
});
