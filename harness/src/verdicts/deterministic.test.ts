import { describe, expect, it } from "vitest";
import { instabilityReason } from "./deterministic.ts";
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
