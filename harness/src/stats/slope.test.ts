import { describe, expect, it } from "vitest";
import { theilSen } from "./slope.ts";

// x = 1..5, y = 1,3,2,5,4. The ten pairwise slopes, sorted:
// -1, -1, 1/3, 1/2, 3/4, 1, 1, 4/3, 2, 3 → median (3/4 + 1)/2 = 0.875; intercept 3 − 0.875·3.
// σ² = 5·4·15/18 = 50/3. At 95% z·σ = 8.0015 → ranks round(0.999)−1 = 0 and round(9.0008) = 9;
// at 50% z·σ = 2.7536 → ranks round(3.623)−1 = 3 and round(6.377) = 6 (scipy.stats.theilslopes agrees).
const xs = [1, 2, 3, 4, 5];
const ys = [1, 3, 2, 5, 4];

describe("theilSen", () => {
  it("takes the median pairwise slope and Sen's interval at 95%", () => {
    expect(theilSen(xs, ys)).toEqual({ slope: 0.875, intercept: 0.375, low: -1, high: 3, n: 5 });
  });

  it("narrows the interval at a lower confidence", () => {
    const fit = theilSen(xs, ys, { confidence: 0.5 });
    expect([fit.low, fit.high]).toEqual([0.5, 1]);
  });

  it("recovers an exact line with a zero-width interval", () => {
    const x = [0, 10, 20, 30, 40, 50];
    const fit = theilSen(
      x,
      x.map((v) => 2 * v + 1),
    );
    expect(fit).toEqual({ slope: 2, intercept: 1, low: 2, high: 2, n: 6 });
  });

  it("ignores one wild outlier that least squares would follow", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = x.map((v) => v);
    y[9] = 1000;
    expect(theilSen(x, y).slope).toBe(1);
  });

  it("skips pairs with equal x", () => {
    // Pairs: (0,0)-(0,2) skipped; slopes from x=0 to x=1: 1 and -1 → median 0.
    expect(theilSen([0, 0, 1], [0, 2, 1]).slope).toBe(0);
  });

  it("rejects input it cannot fit, naming the problem", () => {
    expect(() => theilSen([1], [1])).toThrow(/at least 2 points/);
    expect(() => theilSen([1, 2], [1])).toThrow(/2 x values but 1 y values/);
    expect(() => theilSen([1, 1], [1, 2])).toThrow(/all x values are equal/);
    expect(() => theilSen([1, 2], [1, Number.NaN])).toThrow(/finite/);
    expect(() => theilSen(xs, ys, { confidence: 1 })).toThrow(/confidence/);
  });
});
