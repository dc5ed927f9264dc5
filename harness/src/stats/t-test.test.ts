import { describe, expect, it } from "vitest";
import { incompleteBeta, oneSampleTTest, studentTwoSidedP, trimmedTTest } from "./t-test.ts";

describe("Student's t", () => {
  it("matches table critical values (two-sided)", () => {
    // t(0.975, df) from any t table: 12.706 (1), 2.571 (5), 2.228 (10), 1.984 (100).
    expect(studentTwoSidedP(12.706204736, 1)).toBeCloseTo(0.05, 8);
    expect(studentTwoSidedP(2.570581836, 5)).toBeCloseTo(0.05, 8);
    expect(studentTwoSidedP(2.228138852, 10)).toBeCloseTo(0.05, 8);
    expect(studentTwoSidedP(1.983971519, 100)).toBeCloseTo(0.05, 8);
    // t(0.995, 5) = 4.032: p = 0.01.
    expect(studentTwoSidedP(4.032142984, 5)).toBeCloseTo(0.01, 8);
    expect(studentTwoSidedP(0, 7)).toBeCloseTo(1, 12);
  });

  it("has the closed forms of the incomplete beta", () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_0.5(a, a) = 0.5.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 12);
    expect(incompleteBeta(0.5, 4.5, 4.5)).toBeCloseTo(0.5, 12);
  });

  it("tests a mean against zero", () => {
    // values 1,2,3,4,5: mean 3, sd √2.5, t = 3/√(2.5/5) = 4.2426, df 4 → p = 0.01324 (R: t.test).
    const result = oneSampleTTest([1, 2, 3, 4, 5]);
    expect(result.t).toBeCloseTo(4.242640687, 8);
    expect(result.df).toBe(4);
    expect(result.pValue).toBeCloseTo(0.01324, 5);
    expect(oneSampleTTest([0.1]).pValue).toBe(1);
    expect(oneSampleTTest([0, 0, 0]).pValue).toBe(1);
    expect(oneSampleTTest([0.2, 0.2, 0.2]).pValue).toBe(0);
  });
});

describe("Yuen's trimmed t", () => {
  it("matches a hand computation", () => {
    // n = 10, trim 0.2 → g = 2: kept 3..8 (mean 5.5); winsorized 3,3,3,4,5,6,7,8,8,8 (mean 5.5,
    // sum of squares 42.5, var 42.5/9 = 4.7222); se = √4.7222 / (0.6 · √10) = 1.145313;
    // t = 4.802205; df = 5.
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const result = trimmedTTest(values);
    expect(result.trimmed).toBe(4);
    expect(result.df).toBe(5);
    expect(result.t).toBeCloseTo(4.802205, 5);
    expect(result.pValue).toBeCloseTo(studentTwoSidedP(result.t, 5), 12);
  });

  it("barely moves when one value goes wild, where Student's t collapses", () => {
    const steady = [0.1, 0.11, 0.09, 0.1, 0.105, 0.095];
    const wild = [...steady.slice(0, 5), -0.5];
    expect(trimmedTTest(wild).pValue).toBeLessThan(0.01);
    expect(oneSampleTTest(wild).pValue).toBeGreaterThan(0.3);
  });

  it("is Student's t when there is nothing to trim", () => {
    expect(trimmedTTest([1, 2, 3, 4])).toEqual({ ...oneSampleTTest([1, 2, 3, 4]), trimmed: 0 });
  });
});
