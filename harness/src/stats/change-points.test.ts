import { describe, expect, it } from "vitest";
import { detectChangePoints, median, seededRandom } from "./change-points.ts";

/** A noisy series around `level` with relative noise `noise` (uniform ±noise·√3, i.e. sd = noise). */
function series(
  length: number,
  level: (i: number) => number,
  noise: number,
  seed: number,
): number[] {
  const random = seededRandom(seed);
  return Array.from(
    { length },
    (_, i) => level(i) * (1 + noise * Math.sqrt(3) * (2 * random() - 1)),
  );
}

describe("detectChangePoints", () => {
  it("finds an injected 10% level shift in 60 runs at the right run", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const values = series(60, (i) => (i < 30 ? 100 : 110), 0.03, seed);
      const found = detectChangePoints(values, { seed });
      expect(found, `seed ${seed}`).toHaveLength(1);
      expect(Math.abs((found[0]?.index ?? 0) - 30), `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(found[0]?.relativeShift).toBeGreaterThan(0.06);
    }
  });

  it("raises nothing on 60-run A/A series with 3% noise", () => {
    for (const seed of [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) {
      expect(
        detectChangePoints(
          series(60, () => 100, 0.03, seed),
          { seed },
        ),
        `seed ${seed}`,
      ).toEqual([]);
    }
  });

  it("ignores a lone spike", () => {
    const values = series(60, () => 100, 0.01, 7);
    values[40] = 200;
    expect(detectChangePoints(values)).toEqual([]);
  });

  it("finds two shifts", () => {
    const values = series(60, (i) => (i < 20 ? 100 : i < 40 ? 120 : 100), 0.02, 9);
    expect(detectChangePoints(values).map((c) => c.index)).toEqual([20, 40]);
  });

  it("rejects non-finite values and computes medians exactly", () => {
    expect(() => detectChangePoints([1, Number.NaN])).toThrow(/non-finite/);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});
