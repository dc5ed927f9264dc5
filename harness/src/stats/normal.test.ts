import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile } from "./normal.ts";

// Reference values: Φ(z) = erfc(−z/√2)/2 from libm (python3 math.erfc), Φ⁻¹ from R qnorm.
describe("normalCdf", () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [1.959963984540054, 0.975],
    [-3, 0.0013498980316300957],
    [2.5, 0.9937903346742238],
    [-5, 2.866515718791946e-7],
  ])("Φ(%d) = %d", (z, expected) => {
    expect(Math.abs(normalCdf(z) - expected)).toBeLessThan(1e-14);
    expect(Math.abs(normalCdf(z) - expected) / expected).toBeLessThan(1e-9);
  });

  it("keeps relative precision in the far lower tail", () => {
    expect(normalCdf(-8) / 6.220960574271819e-16).toBeCloseTo(1, 7);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it("is symmetric: Φ(−z) = 1 − Φ(z)", () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        expect(normalCdf(-z)).toBeCloseTo(1 - normalCdf(z), 14);
      }),
    );
  });
});

describe("normalQuantile", () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514715],
    [0.8, 0.8416212335729143],
    [0.5, 0],
    [0.01, -2.3263478740408408],
    [0.001, -3.090232306167813],
    [1e-10, -6.361340902404056],
    [1e-300, -37.0470962993612],
  ])("Φ⁻¹(%d) = %d", (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(
      1e-9 * Math.max(1, Math.abs(expected)),
    );
  });

  it("inverts normalCdf", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
      }),
    );
  });

  it("rejects p outside (0, 1)", () => {
    for (const p of [0, 1, -0.1, 2, Number.NaN])
      expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});
