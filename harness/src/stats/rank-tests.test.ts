import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitney, signFlipTest } from "./rank-tests.ts";

describe("mannWhitney exact", () => {
  it("fully separated 3 vs 3: U = 9, p = 2 / C(6,3) = 0.1", () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6])).toMatchObject({ u: 9, pValue: 0.1, exact: true });
    // Mirror: head smaller gives U = 0 and the same p.
    expect(mannWhitney([4, 5, 6], [1, 2, 3])).toMatchObject({ u: 0, pValue: 0.1, exact: true });
  });

  it("5 vs 5 matches the critical-value table (two-sided α = 0.05 -> U ≤ 2)", () => {
    // C(10,5) = 252 arrangements; #U≤0 = 1, ≤1 = 2, ≤2 = 4, ≤3 = 7.
    expect(mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).pValue).toBeCloseTo(2 / 252, 14);
    // base [1,2,3,4,6] vs head [5,7,8,9,10]: one pair (5 < 6) goes the other way, U = 24.
    const one = mannWhitney([1, 2, 3, 4, 6], [5, 7, 8, 9, 10]);
    expect(one.u).toBe(24);
    expect(one.pValue).toBeCloseTo(4 / 252, 14);
    // U = 2 of the smaller side (7 > 5, 7 > 6) is significant at 0.05: p = 2·4/252.
    expect(mannWhitney([1, 2, 3, 4, 7], [5, 6, 8, 9, 10])).toMatchObject({ u: 23, exact: true });
    expect(mannWhitney([1, 2, 3, 4, 7], [5, 6, 8, 9, 10]).pValue).toBeCloseTo(8 / 252, 14);
    // U = 3 (5 > 4, 7 > 4, 7 > 6) is not: p = 2·7/252 = 0.0556.
    expect(mannWhitney([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]).u).toBe(22);
    expect(mannWhitney([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]).pValue).toBeCloseTo(14 / 252, 14);
  });

  it("unequal sizes 4 vs 6 (scipy method='exact': 0.11428571428571428 = 24/210)", () => {
    const result = mannWhitney([1.1, 2.2, 3.3, 4.4], [0.5, 5.5, 6.6, 7.7, 8.8, 9.9]);
    expect(result.u).toBe(20);
    expect(result.pValue).toBeCloseTo(24 / 210, 14);
  });
});

describe("mannWhitney normal approximation", () => {
  it("uses tie and continuity corrections with ties (R wilcox.test, correct = TRUE)", () => {
    // Midranks: 1 -> 1; 2,2 -> 2.5; four 3s -> 5.5; 4,4 -> 8.5; 5 -> 10. Head rank sum
    // 5.5 + 8.5 + 8.5 + 10 = 32.5, U = 32.5 − 10 = 22.5, μ = 12.
    // Ties Σ(t³ − t) = 6 + 60 + 6 = 72; σ² = 24/12 · (11 − 72/90) = 20.4.
    // z = (10.5 − 0.5)/√20.4 = 2.2140372138502386; p = 2·(1 − Φ(z)) = 0.026826219079541514.
    const result = mannWhitney([1, 2, 2, 3, 3, 3], [3, 4, 4, 5]);
    expect(result.exact).toBe(false);
    expect(result.u).toBe(22.5);
    expect(result.z).toBeCloseTo(10 / Math.sqrt(20.4), 12);
    expect(result.pValue).toBeCloseTo(0.026826219079541514, 12);
  });

  it("uses the approximation above 10 per side (12 vs 12, shift 5.5)", () => {
    // No ties; U = 123 (of 144), μ = 72, σ² = 144·25/12 = 300; z = 50.5/√300.
    // p = 2·(1 − Φ(2.915619...)) = 0.003549838634913565 (scipy asymptotic).
    const base = Array.from({ length: 12 }, (_, i) => i);
    const result = mannWhitney(
      base,
      base.map((v) => v + 5.5),
    );
    expect(result).toMatchObject({ u: 123, exact: false });
    expect(result.z).toBeCloseTo(50.5 / Math.sqrt(300), 12);
    expect(result.pValue).toBeCloseTo(0.003549838634913565, 12);
  });

  it("gives p = 1 when every value is equal, and rejects empty samples", () => {
    expect(mannWhitney([5, 5, 5], [5, 5])).toEqual({ u: 3, z: 0, pValue: 1, exact: false });
    expect(() => mannWhitney([], [1])).toThrow(RangeError);
    expect(() => mannWhitney([1], [Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it("U is the count of pairs with head > base (ties ½) and p ∈ (0, 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 14 }),
        (base, head) => {
          let pairs = 0;
          for (const h of head) for (const b of base) pairs += h > b ? 1 : h === b ? 0.5 : 0;
          const result = mannWhitney(base, head);
          expect(result.u).toBe(pairs);
          expect(result.pValue).toBeGreaterThan(0);
          expect(result.pValue).toBeLessThanOrEqual(1);
          expect(mannWhitney(head, base).pValue).toBeCloseTo(result.pValue, 12);
        },
      ),
    );
  });
});

describe("signFlipTest", () => {
  it("enumerates all 2ⁿ sign patterns for small n", () => {
    // Only all-plus and all-minus reach |sum| = 6: 2/8.
    expect(signFlipTest([1, 2, 3], { seed: 1 })).toEqual({ pValue: 0.25, exact: true });
    // |±1 ±2 ±3 ±4| ≥ 6 ⇔ the negated subset sums to ≤ 2 or ≥ 8: {}, {1}, {2} and their
    // complements -> 6/16.
    expect(signFlipTest([1, -2, 3, 4], { seed: 1 })).toEqual({ pValue: 0.375, exact: true });
    // Sum 0.52; only flipping the lone negative (or nothing), and the mirrors -> 4/32.
    expect(signFlipTest([0.1, -0.05, 0.2, 0.15, 0.12], { seed: 1 }).pValue).toBe(0.125);
    expect(signFlipTest([0, 0, 0], { seed: 1 }).pValue).toBe(1);
  });

  it("bottoms out at 2/2ⁿ when every block moves the same way", () => {
    expect(signFlipTest([0.1, 0.11, 0.09, 0.1, 0.12, 0.1, 0.1], { seed: 1 }).pValue).toBe(2 / 128);
    expect(signFlipTest(Array(16).fill(0.1), { seed: 1 }).pValue).toBe(2 / 65536);
  });

  it("uses seeded Monte Carlo with the (count+1)/(iterations+1) correction above n = 16", () => {
    const constant = signFlipTest(Array(20).fill(0.1), { seed: 5, iterations: 999 });
    // The 2 extreme patterns of 2²⁰ are never drawn in 999 tries here: (0 + 1)/1000.
    expect(constant).toEqual({ pValue: 0.001, exact: false });
    const noisy = Array.from({ length: 17 }, (_, i) => (i % 3) - 0.9 + i / 100);
    const first = signFlipTest(noisy, { seed: 9, iterations: 4999 });
    expect(signFlipTest(noisy, { seed: 9, iterations: 4999 })).toEqual(first);
    // Exact p by enumerating the 2¹⁷ patterns here in the test.
    const observed = Math.abs(noisy.reduce((s, d) => s + d, 0));
    let atLeast = 0;
    for (let mask = 0; mask < 2 ** 17; mask += 1) {
      let sum = 0;
      noisy.forEach((d, i) => {
        sum += mask & (1 << i) ? -d : d;
      });
      if (Math.abs(sum) >= observed - 1e-12) atLeast += 1;
    }
    const exact = atLeast / 2 ** 17;
    // Monte Carlo standard error √(p(1−p)/4999) ≤ 0.0071; allow 4 of them.
    expect(Math.abs(first.pValue - exact)).toBeLessThan(0.03);
  });

  it("rejects empty or non-finite differences", () => {
    expect(() => signFlipTest([], { seed: 1 })).toThrow(RangeError);
    expect(() => signFlipTest([1, Number.NaN], { seed: 1 })).toThrow(RangeError);
    expect(() => signFlipTest(Array(20).fill(1), { seed: 1, iterations: 0 })).toThrow(RangeError);
  });
});
