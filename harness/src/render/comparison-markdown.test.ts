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

describe("comparison markdown (recorded blocks of a real compare)", () => {
  it("renders the PR comment", () => {
    expectGolden("compare/comparison.md", renderComparisonMarkdown(record()));
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
