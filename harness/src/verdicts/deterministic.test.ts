import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decideComparison } from "../report/comparison.ts";
import { instabilityReason } from "./deterministic.ts";
import { parseGates } from "./gates.ts";
import type { MetricComparisonInput } from "./regression.ts";

const input = (unit: string, pairs: [number, number][]): MetricComparisonInput => ({
  suiteId: "microbench/lru",
  metricId: "get-90-10/app/instructions",
  unit,
  direction: "lower",
  blocks: pairs.map(([base, head]) => ({ base: [base], head: [head] })),
});

describe("instabilityReason", () => {
  it("trusts counts whose per-block ratios agree, even with a real +2% change", () => {
    expect(
      instabilityReason(
        input("instr", [
          [269.1, 274.5],
          [269.1, 274.5001],
          [269.2, 274.6],
        ]),
      ),
    ).toBeUndefined();
  });

  it("flags counts whose ratios spread more than 0.5% between blocks", () => {
    const reason = instabilityReason(
      input("instr", [
        [100, 100],
        [100, 101],
        [100, 100.2],
      ]),
    );
    expect(reason).toMatch(/^unstable: head\/base differs by 1\.00%/);
  });

  it("ignores timed metrics and single blocks", () => {
    expect(
      instabilityReason(
        input("ns", [
          [100, 100],
          [100, 130],
        ]),
      ),
    ).toBeUndefined();
    expect(instabilityReason(input("instr", [[100, 150]]))).toBeUndefined();
  });
});

describe("counted metrics in a comparison (harness/config/gates.json)", () => {
  const file = path.join(import.meta.dirname, "../../config/gates.json");
  const gates = parseGates(readFileSync(file, "utf8"), file);
  const decide = (pairs: [number, number][]) =>
    decideComparison([input("instr", pairs)], gates, {}, { seed: 1, today: "2026-12-07" })[0];
  // Six blocks of lru/get-90-10/app: counts agree to a few parts per million between processes.
  const base = [269.0375, 269.0376, 269.0375, 269.0374, 269.0375, 269.0376];

  it("A/A: unchanged and gated, with an MDE far below the 1% threshold", () => {
    const d = decide(base.map((b, i) => [b, base[(i + 1) % base.length] as number]));
    expect(d?.status).toBe("unchanged");
    expect(d?.gated).toBe(true);
    expect(d?.mdePct).toBeLessThan(0.01);
  });

  it("+2%: regressed and gated", () => {
    const d = decide(base.map((b) => [b, b * 1.02]));
    expect(d?.status).toBe("regressed");
    expect(d?.gated).toBe(true);
  });

  it("blocks that disagree: reported, not gated", () => {
    const d = decide(base.map((b, i) => [b, b * (i % 2 ? 1.03 : 1.01)]));
    expect(d?.gated).toBe(false);
    expect(d?.reason).toMatch(/^unstable/);
  });
});
