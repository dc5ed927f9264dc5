import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { formatBenchTable } from "../render/bench-table.ts";
import { normalizeMicrobench } from "./microbench.ts";
import { countMetrics, countsPerOp, relativeSpread } from "./microbench-counts.ts";
import { MicrobenchRaw } from "./microbench-raw.ts";

/** A real instruction-mode record: lru/get-90-10/app under callgrind with cache simulation. */
const r0 = MicrobenchRaw.parse(
  JSON.parse(
    readFileSync(
      path.join(import.meta.dirname, "../../test/fixtures/raw/microbench-instructions/app.r0.json"),
      "utf8",
    ),
  ),
);
/** A second process of the same case: the same counts up to a few instructions. */
function replica(round: number, irShift = 0): MicrobenchRaw {
  const i = r0.instructions as NonNullable<MicrobenchRaw["instructions"]>;
  return {
    ...r0,
    round,
    instructions: { ...i, double: { ...i.double, Ir: (i.double.Ir ?? 0) + irShift } },
  };
}

describe("countsPerOp", () => {
  it("takes the per-call difference of the N and 2N regions, per op", () => {
    const counts = countsPerOp(r0);
    // (43,167,143 − 21,644,143) / 10 calls / 8,000 ops.
    expect(counts?.instructions).toBeCloseTo(269.0375, 4);
    expect(counts?.cycles).toBeGreaterThan(counts?.instructions ?? 0);
  });

  it("is undefined for a timed-only record", () => {
    expect(countsPerOp({ ...r0, instructions: undefined } as MicrobenchRaw)).toBeUndefined();
  });
});

describe("countMetrics", () => {
  it("reports instr/op and est-cycles/op as lower-is-better metrics", () => {
    const { metrics, warnings, counts } = countMetrics([r0, replica(1, 3)], "get-90-10.app", {});
    expect(metrics.map((m) => [m.id, m.unit, m.direction])).toEqual([
      ["get-90-10.app.instructions", "instr/op", "lower"],
      ["get-90-10.app.est-cycles", "cycles/op", "lower"],
    ]);
    expect(warnings).toEqual([]);
    expect(counts?.spread).toBeLessThan(1e-5);
  });

  it("flags a case whose processes disagree by more than 0.5% as unstable", () => {
    // +1% of the 2N region's instructions in one process: ~2% per call.
    const shifted = replica(1, Math.round((r0.instructions?.double.Ir ?? 0) * 0.01));
    const { warnings } = countMetrics([r0, shifted], "get-90-10.app", {});
    expect(warnings.map((w) => w.code)).toEqual(["unstable"]);
    expect(warnings[0]?.message).toMatch(/not trusted/);
  });

  it("relativeSpread is (max − min) / median", () => {
    expect(relativeSpread([100, 101, 102])).toBeCloseTo(0.0198, 4);
    expect(relativeSpread([5])).toBe(0);
  });
});

describe("normalizeMicrobench with counted processes", () => {
  it("adds the counts to the suite and the table without timing warnings", () => {
    const { suites, rows, warnings } = normalizeMicrobench({
      raws: [r0, replica(1)],
      tools: { mitata: "1.0.34", tinybench: "6.2.4" },
    });
    expect(suites[0]?.metrics.map((m) => m.id)).toEqual([
      "get-90-10.app.instructions",
      "get-90-10.app.est-cycles",
    ]);
    expect(warnings).toEqual([]);
    expect(rows[0]?.instructionsPerOp).toBeCloseTo(269.0375, 4);
    expectGolden("cli/bench-table-instructions.txt", formatBenchTable(rows));
  });
});
