import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HarnessError } from "../schema/index.ts";
import { seededRandom } from "../stats/index.ts";
import {
  decideRegressions,
  type GatePolicy,
  type MetricComparisonInput,
  type MetricVerdict,
} from "./regression.ts";

const policy: GatePolicy = { threshold: 0.05, alpha: 0.01, gate: true };
const options = { seed: 42, today: "2026-11-25" };

/**
 * Blocks whose level drifts a lot from block to block (shared by both sides, as on a busy
 * machine) with independent per-value noise of ±`noise` and head = base · `factor`.
 */
function blocks(count: number, factor: number, noise: number, seed = 1) {
  const random = seededRandom(seed);
  const jitter = () => 1 + noise * (2 * random() - 1);
  return Array.from({ length: count }, () => {
    const level = 50 + 100 * random();
    return {
      base: [level * jitter(), level * jitter(), level * jitter()],
      head: [level * factor * jitter(), level * factor * jitter(), level * factor * jitter()],
    };
  });
}

function metric(
  id: string,
  data: MetricComparisonInput["blocks"],
  direction: "lower" | "higher" = "lower",
  unit = "ms",
): MetricComparisonInput {
  return { metricId: id, suiteId: "micro", unit, direction, blocks: data };
}

function decideOne(input: MetricComparisonInput, p: GatePolicy = policy): MetricVerdict {
  return decideRegressions([input], () => p, options)[0] as MetricVerdict;
}

describe("decideRegressions", () => {
  it("flags a 10% slowdown measured in 12 blocks with 1% noise", () => {
    const verdict = decideOne(metric("lru.get", blocks(12, 1.1, 0.01)));
    expect(verdict.status).toBe("regressed");
    expect(verdict.gated).toBe(true);
    // Every block ~10% slower with 1% noise: the t-test leaves no doubt (one metric: Holm changes nothing).
    expect(verdict.pValue).toBeLessThan(1e-9);
    expect(verdict.adjustedPValue).toBe(verdict.pValue);
    expect(verdict.deltaPct).toBeGreaterThan(9);
    expect(verdict.deltaPct).toBeLessThan(11);
    expect(verdict.ciPct[0]).toBeGreaterThan(8);
    expect(verdict.ciPct[0]).toBeLessThanOrEqual(verdict.deltaPct);
    expect(verdict.ciPct[1]).toBeGreaterThanOrEqual(verdict.deltaPct);
    expect(verdict.ciPct[1]).toBeLessThan(12);
    expect(verdict.mdePct).toBeLessThan(5);
    // Seeded data and bootstrap: the sentence is stable.
    expect(verdict.evidence).toBe(
      "head 9.9% slower (95% CI [+9.5%, +10.2%]), p<0.001 after Holm over 1 metric, " +
        "12 paired blocks; MDE 0.5%; regressed beyond the 5.0% threshold",
    );
  });

  it("calls identical sides unchanged", () => {
    const same = blocks(5, 1, 0.02);
    const verdict = decideOne(
      metric(
        "same",
        same.map((b) => ({ base: b.base, head: b.base })),
      ),
    );
    expect(verdict).toMatchObject({
      status: "unchanged",
      deltaPct: 0,
      ciPct: [0, 0],
      pValue: 1,
      adjustedPValue: 1,
      gated: true,
    });
    expect(verdict.baseMedian).toBe(verdict.headMedian);
    expect(verdict.evidence).toContain("head unchanged (0.0%)");
    expect(verdict.evidence).toContain("within ±5.0%");
  });

  it("calls an A/A run with 1% noise unchanged", () => {
    expect(decideOne(metric("aa", blocks(10, 1, 0.01, 3))).status).toBe("unchanged");
  });

  it("is inconclusive under huge noise and says the MDE is above the threshold", () => {
    const verdict = decideOne(metric("noisy", blocks(14, 1.1, 0.6, 5)));
    expect(verdict.status).toBe("inconclusive");
    expect(verdict.mdePct).toBeGreaterThan(5);
    expect(verdict.blocksNeeded).toBeGreaterThan(14);
    // The interval lies above +5% but p = 0.019 > α = 0.01: not enough evidence yet.
    expect(verdict.ciPct[0]).toBeGreaterThan(5);
    expect(verdict.evidence).toMatch(
      /too noisy or too few blocks \(MDE \d+\.\d% > threshold 5\.0%/,
    );
  });

  it("is inconclusive with too few blocks for a t-test to mean anything", () => {
    // 2 blocks: one degree of freedom, however large the effect.
    const verdict = decideOne(metric("few", blocks(2, 1.3, 0.001)));
    expect(verdict.status).toBe("inconclusive");
    expect(verdict.evidence).toContain("2 blocks cannot reach p ≤ 0.01 (α/1); at least 3 needed");
  });

  it("flips the worse side for direction 'higher' (throughput)", () => {
    const faster = decideOne(metric("ops", blocks(12, 1.1, 0.01), "higher", "ops/s"));
    expect(faster.status).toBe("improved");
    expect(faster.evidence).toMatch(/^head \d+\.\d% higher/);
    expect(faster.evidence).toContain("improved beyond the 5.0% threshold");
    const slower = decideOne(metric("ops", blocks(12, 0.9, 0.01), "higher", "ops/s"));
    expect(slower.status).toBe("regressed");
    expect(slower.evidence).toMatch(/^head 10\.1% lower \(95% CI \[−10\.4%, −9\.8%\]\)/);
    expect(decideOne(metric("t", blocks(12, 0.9, 0.01))).status).toBe("improved");
  });

  it("holds a marginal change back when Holm spreads α over 20 metrics", () => {
    const quiet = (i: number) =>
      metric(
        `quiet${i}`,
        blocks(6, 1, 0, 10 + i).map((b) => ({ base: b.base, head: b.base })),
      );
    // Per-block log ratios 0.10, 0.04, 0.12, 0.06, 0.11, 0.08: Yuen's t (one trimmed each end)
    // = 6.1113, df 3, p = 0.0088.
    const marginal = metric(
      "hit",
      [0.1, 0.04, 0.12, 0.06, 0.11, 0.08].map((r) => ({ base: [100], head: [100 * Math.exp(r)] })),
    );
    expect(decideOne(marginal)).toMatchObject({ status: "regressed" });
    const family = [marginal, ...Array.from({ length: 19 }, (_, i) => quiet(i))];
    const verdicts = decideRegressions(family, () => policy, options);
    // Holm multiplies the smallest of 20 p-values by 20: 0.176 > 0.01.
    expect(verdicts[0]?.status).toBe("inconclusive");
    expect(verdicts[0]?.pValue).toBeCloseTo(0.0088049, 6);
    expect(verdicts[0]?.adjustedPValue).toBeCloseTo(20 * 0.0088049, 5);
    expect(verdicts[0]?.evidence).toContain("after Holm over 20 metrics");
    expect(verdicts.slice(1).every((v) => v.status === "unchanged" && v.adjustedPValue === 1)).toBe(
      true,
    );
  });

  it("keeps an accepted regression as regressed but not gating, until the date", () => {
    const accepted = { until: "2026-11-25", reason: "pooling trades latency for memory (#12)" };
    const verdict = decideOne(metric("lru.get", blocks(12, 1.1, 0.01)), { ...policy, accepted });
    expect(verdict).toMatchObject({ status: "regressed", gated: false, accepted });
    expect(verdict.evidence).toContain(
      "accepted until 2026-11-25: pooling trades latency for memory (#12)",
    );
  });

  it("ignores an expired acceptance and says so", () => {
    const accepted = { until: "2026-11-24", reason: "old trade-off" };
    const verdict = decideOne(metric("lru.get", blocks(12, 1.1, 0.01)), { ...policy, accepted });
    expect(verdict).toMatchObject({ status: "regressed", gated: true });
    expect(verdict.accepted).toBeUndefined();
    expect(verdict.evidence).toContain("acceptance expired on 2026-11-24 (old trade-off), ignored");
  });

  it("reports without gating when the policy says so", () => {
    const verdict = decideOne(metric("lcp", blocks(12, 1.1, 0.01)), { ...policy, gate: false });
    expect(verdict).toMatchObject({ status: "regressed", gated: false });
    expect(verdict.evidence).toMatch(/; report only \(not gated\)$/);
  });

  it("handles zero medians: 0 vs 0 is no change, 0 vs a value is undefined", () => {
    const zeros = Array.from({ length: 4 }, () => ({ base: [0, 0], head: [0] }));
    expect(decideOne(metric("gc", zeros, "lower", "count"))).toMatchObject({
      status: "unchanged",
      deltaPct: 0,
    });
    const fromZero = [...zeros, { base: [0], head: [3] }];
    const verdict = decideOne(metric("gc", fromZero, "lower", "count"));
    expect(verdict).toMatchObject({ status: "inconclusive", pValue: 1 });
    expect(verdict.evidence).toContain("relative change is undefined");
  });

  it("needs two blocks to call anything unchanged", () => {
    const verdict = decideOne(metric("one", [{ base: [10], head: [10.1] }]));
    expect(verdict.status).toBe("inconclusive");
    expect(verdict.mdePct).toBe(Number.POSITIVE_INFINITY);
    expect(verdict.evidence).toContain("MDE unknown (needs ≥ 2 blocks)");
  });

  it("reports every malformed input and policy at once", () => {
    const bad = [
      metric("empty", []),
      metric("holes", [
        { base: [], head: [1] },
        { base: [1], head: [Number.NaN] },
      ]),
    ];
    let error: unknown;
    try {
      decideRegressions(bad, () => ({ threshold: 0, alpha: 2, gate: true }), {
        seed: 1,
        today: "soon",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HarnessError);
    const message = (error as HarnessError).message;
    for (const part of [
      'today: "soon"',
      "micro/empty: no blocks",
      "micro/holes: block 0 has no base values",
      "micro/holes: block 1 has a non-finite head value",
      "micro/holes: threshold must be > 0",
      "micro/empty: alpha must be in (0, 1)",
    ])
      expect(message).toContain(part);
    expect((error as HarnessError).exitCode).toBe(2);
  });

  it("does not depend on the order of metrics or the unit scale", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom(0.9, 0.97, 1, 1.03, 1.1),
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        (seed, factor, scale) => {
          const a = metric("a", blocks(9, factor, 0.02, seed));
          const b = metric("b", blocks(9, 1, 0.02, seed + 1));
          const scaled = {
            ...a,
            blocks: a.blocks.map((x) => ({
              base: x.base.map((v) => v * scale),
              head: x.head.map((v) => v * scale),
            })),
          };
          const [first] = decideRegressions([a, b], () => policy, options);
          const [, second] = decideRegressions([b, scaled], () => policy, options);
          expect(second?.status).toBe(first?.status);
          expect(second?.deltaPct).toBeCloseTo(first?.deltaPct as number, 8);
          expect(second?.ciPct[0]).toBeCloseTo(first?.ciPct[0] as number, 8);
        },
      ),
      { numRuns: 30 },
    );
  });
});
