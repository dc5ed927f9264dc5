import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairedBlockBootstrap } from "./bootstrap.ts";
import { median } from "./change-points.ts";

const meanDifference = (base: number[], head: number[]) =>
  head.reduce((s, v) => s + v, 0) / head.length - base.reduce((s, v) => s + v, 0) / base.length;
const medianOfPairedDifferences = (base: number[], head: number[]) =>
  median(head.map((h, i) => h - (base[i] as number)));

describe("pairedBlockBootstrap", () => {
  it("estimates on the original data and is deterministic per seed", () => {
    const blocks = [
      { base: [10, 11], head: [12, 13] },
      { base: [20], head: [21] },
      { base: [5, 6, 7], head: [9, 9, 9] },
    ];
    const first = pairedBlockBootstrap(blocks, meanDifference, { seed: 7, iterations: 500 });
    // base mean (10+11+20+5+6+7)/6 = 59/6; head mean (12+13+21+9+9+9)/6 = 73/6 -> 14/6.
    expect(first.estimate).toBeCloseTo(14 / 6, 12);
    expect(first.iterations).toBe(500);
    expect(pairedBlockBootstrap(blocks, meanDifference, { seed: 7, iterations: 500 })).toEqual(
      first,
    );
  });

  it("gives the two extremes for two blocks (25% of resamples draw one block twice)", () => {
    // Resamples of blocks with differences 0 and 1: mean 0 (p=¼), ½ (p=½), 1 (p=¼), so the 2.5%
    // and 97.5% percentiles are 0 and 1.
    const blocks = [
      { base: [1], head: [1] },
      { base: [1], head: [2] },
    ];
    const ci = pairedBlockBootstrap(blocks, medianOfPairedDifferences, { seed: 3 });
    expect(ci).toEqual({ estimate: 0.5, low: 0, high: 1, iterations: 2000 });
  });

  it("keeps the pairing: shared block noise cancels, a constant shift has a zero-width CI", () => {
    const blocks = [100, 3, 57, 12, 800, 41].map((level) => ({
      base: [level],
      head: [level + 0.25],
    }));
    const ci = pairedBlockBootstrap(blocks, medianOfPairedDifferences, { seed: 11 });
    expect(ci).toMatchObject({ estimate: 0.25, low: 0.25, high: 0.25 });
  });

  it("degenerates to the estimate with one block", () => {
    const ci = pairedBlockBootstrap([{ base: [1, 2], head: [3, 5] }], meanDifference, {
      seed: 1,
      iterations: 50,
    });
    expect(ci).toEqual({ estimate: 2.5, low: 2.5, high: 2.5, iterations: 50 });
  });

  it("rejects no blocks, bad options and non-finite statistics", () => {
    expect(() => pairedBlockBootstrap([], meanDifference, { seed: 1 })).toThrow(RangeError);
    const one = [{ base: [1], head: [2] }];
    expect(() => pairedBlockBootstrap(one, meanDifference, { seed: 1, iterations: 0 })).toThrow(
      RangeError,
    );
    expect(() => pairedBlockBootstrap(one, meanDifference, { seed: 1, confidence: 1 })).toThrow(
      RangeError,
    );
    expect(() => pairedBlockBootstrap(one, () => Number.NaN, { seed: 1 })).toThrow(RangeError);
  });

  it("interval is ordered and contains the estimate of a median", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer(),
        (differences, seed) => {
          const blocks = differences.map((d) => ({ base: [0], head: [d] }));
          const ci = pairedBlockBootstrap(blocks, medianOfPairedDifferences, {
            seed,
            iterations: 200,
          });
          expect(ci.low).toBeLessThanOrEqual(ci.estimate);
          expect(ci.estimate).toBeLessThanOrEqual(ci.high);
          expect(ci.low).toBeGreaterThanOrEqual(Math.min(...differences));
          expect(ci.high).toBeLessThanOrEqual(Math.max(...differences));
        },
      ),
    );
  });
});
