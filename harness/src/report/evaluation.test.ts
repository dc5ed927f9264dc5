import { describe, expect, it } from "vitest";
import type { BlockSample } from "../schema/index.ts";
import { seededRandom } from "../stats/index.ts";
import { parseGates } from "../verdicts/gates.ts";
import { renderEvaluationTable, simulateDetector } from "./evaluation.ts";

const gates = parseGates(
  JSON.stringify({ defaults: { threshold: 0.05, alpha: 0.01 } }),
  "gates.json",
);

/** 16 blocks of one lower-is-better metric: base ~100 ns, head ×factor, 1% multiplicative noise. */
function pool(factor: number, seed: number): BlockSample[] {
  const random = seededRandom(seed);
  const noisy = (v: number) => v * (1 + (random() - 0.5) * 0.02);
  return Array.from({ length: 16 }, (_, block) => [
    {
      suiteId: "microbench/x",
      metricId: "case",
      unit: "ns",
      direction: "lower" as const,
      side: "base" as const,
      block,
      values: [noisy(100)],
    },
    {
      suiteId: "microbench/x",
      metricId: "case",
      unit: "ns",
      direction: "lower" as const,
      side: "head" as const,
      block,
      values: [noisy(100 * factor)],
    },
  ]).flat();
}

const settings = {
  blocks: 6,
  confirmBlocks: 6,
  draws: 40,
  seed: 1,
  today: "2026-11-25",
  targets: ["microbench/x/case"],
};

describe("simulateDetector", () => {
  it("finds no regression in A/A blocks and reports the family-wise rate", () => {
    const rows = simulateDetector({ slowdownPct: 0, samples: pool(1, 3) }, gates, settings);
    expect(rows.map((r) => [r.metric, r.rate])).toEqual([
      ["microbench/x/case", 0],
      ["any gated metric", 0],
    ]);
    expect(Math.abs(rows[0]?.effectPct ?? 99)).toBeLessThan(1);
  });

  it("detects a 10% slowdown at 1% noise in every draw, and measures it as ~10%", () => {
    const [row] = simulateDetector({ slowdownPct: 10, samples: pool(1.1, 5) }, gates, settings);
    expect(row?.rate).toBe(1);
    expect(row?.effectPct).toBeGreaterThan(9);
    expect(row?.effectPct).toBeLessThan(11);
    expect(row?.mdePct).toBeLessThan(5);
  });

  it("refuses a pool too small for one draw and its confirmation", () => {
    expect(() =>
      simulateDetector({ slowdownPct: 0, samples: pool(1, 1) }, gates, { ...settings, blocks: 12 }),
    ).toThrow(/16 blocks; a draw needs 18/);
  });

  it("renders one row per condition and metric", () => {
    const rows = simulateDetector({ slowdownPct: 10, samples: pool(1.1, 5) }, gates, settings);
    const table = renderEvaluationTable(rows, settings, 16);
    expect(table).toMatch(
      /\| \+10% \| microbench\/x\/case \| \+\d+\.\d% \| 100\.0% power \| \d+\.\d% \|/,
    );
  });
});
