import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mad, quantile, robustSd, spread, standardDeviation } from "./quantiles.ts";

describe("quantile (type 7, numpy default)", () => {
  it("matches numpy.quantile on [1, 2, 3, 4, 10]", () => {
    const sorted = [1, 2, 3, 4, 10];
    // h = (n − 1)·p; value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 0.1)).toBeCloseTo(1.4, 12); // h = 0.4: 1 + 0.4·1
    expect(quantile(sorted, 0.25)).toBe(2); // h = 1
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.9)).toBeCloseTo(7.6, 12); // h = 3.6: 4 + 0.6·6
    expect(quantile(sorted, 0.95)).toBeCloseTo(8.8, 12); // h = 3.8: 4 + 0.8·6
    expect(quantile(sorted, 1)).toBe(10);
  });

  it("matches numpy.quantile on an even-length sample", () => {
    const sorted = [0.5, 1.5, 2, 7.25];
    expect(quantile(sorted, 0.1)).toBeCloseTo(0.8, 12); // h = 0.3: 0.5 + 0.3·1
    expect(quantile(sorted, 0.33)).toBeCloseTo(1.49, 12); // h = 0.99
    expect(quantile(sorted, 0.5)).toBe(1.75);
    expect(quantile(sorted, 0.99)).toBeCloseTo(7.0925, 12); // h = 2.97: 2 + 0.97·5.25
  });

  it("returns the only value of a one-element sample", () => {
    expect(quantile([42], 0.37)).toBe(42);
  });

  it("rejects empty, unsorted and out-of-range input", () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], -0.1)).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(RangeError);
    expect(() => quantile([2, 1], 0.5)).toThrow(/sorted/);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(/finite/);
  });

  it("is monotone in p and stays within [min, max]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p1, p2) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          const qLo = quantile(sorted, lo);
          const qHi = quantile(sorted, hi);
          expect(qLo).toBeLessThanOrEqual(qHi + 1e-9);
          expect(qLo).toBeGreaterThanOrEqual(sorted[0] as number);
          expect(qHi).toBeLessThanOrEqual(sorted.at(-1) as number);
        },
      ),
    );
  });
});

describe("mad / robustSd / standardDeviation", () => {
  it("computes the raw MAD by hand", () => {
    // median 3; |deviations| = 2, 1, 0, 1, 97 -> sorted 0, 1, 1, 2, 97 -> median 1.
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    // median 2.5; deviations 1.5, 0.5, 0.5, 1.5 -> median 1.
    expect(mad([1, 2, 3, 4])).toBe(1);
    expect(mad([7, 7, 7])).toBe(0);
  });

  it("scales the MAD by 1.4826", () => {
    expect(robustSd([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    expect(robustSd([10, 12, 14])).toBeCloseTo(2 * 1.4826, 12);
  });

  it("computes the sample standard deviation with n − 1", () => {
    // mean 5; squares 9, 1, 1, 9 -> 20 / 3.
    expect(standardDeviation([2, 4, 6, 8])).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(() => standardDeviation([1])).toThrow(RangeError);
  });

  it("is blind to one outlier (robust) while the sd is not", () => {
    expect(robustSd([1, 2, 3, 4, 5, 1e9])).toBe(robustSd([1, 2, 3, 4, 5, 6]));
    expect(() => mad([])).toThrow(RangeError);
  });
});

describe("spread", () => {
  it("spreads as min, median and max", () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ min: 1, median: 2.5, max: 4 });
  });
});
