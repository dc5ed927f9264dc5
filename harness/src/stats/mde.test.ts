import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blocksNeeded, minimalDetectableChange } from "./mde.ts";

// z₀.₉₇₅ = 1.959963984540054, z₀.₈ = 0.8416212335729143: sum 2.8015852181129683.
// z₀.₉₉₅ = 2.5758293035489004, z₀.₉ = 1.2815515655446004: sum 3.8573808690935008.
describe("minimalDetectableChange", () => {
  it("is (z₁₋α/₂ + z_power) · sd · √(2/n)", () => {
    // 2.8015852181129683 · 0.05 · √(2/8) = 0.07003963045282421.
    expect(minimalDetectableChange({ noiseSd: 0.05, n: 8 })).toBeCloseTo(0.07003963045282421, 12);
    // 3.8573808690935008 · 0.1 · √(2/5) = 0.2439621869819053.
    expect(minimalDetectableChange({ noiseSd: 0.1, n: 5, alpha: 0.01, power: 0.9 })).toBeCloseTo(
      0.2439621869819053,
      12,
    );
    expect(minimalDetectableChange({ noiseSd: 0, n: 3 })).toBe(0);
  });

  it("rejects bad input", () => {
    expect(() => minimalDetectableChange({ noiseSd: -1, n: 3 })).toThrow(RangeError);
    expect(() => minimalDetectableChange({ noiseSd: 1, n: 0 })).toThrow(RangeError);
    expect(() => minimalDetectableChange({ noiseSd: 1, n: 3, alpha: 0 })).toThrow(RangeError);
    expect(() => minimalDetectableChange({ noiseSd: 1, n: 3, power: 1 })).toThrow(RangeError);
  });
});

describe("blocksNeeded", () => {
  it("is ⌈2 · ((z₁₋α/₂ + z_power) · sd / change)²⌉", () => {
    // 2 · 2.80158…² = 15.697759 -> 16.
    expect(blocksNeeded({ noiseSd: 0.05, change: 0.05 })).toBe(16);
    // 2 · (2.80158… · 0.02 / 0.03)² = 6.976782 -> 7.
    expect(blocksNeeded({ noiseSd: 0.02, change: 0.03 })).toBe(7);
    // The MDE at n = 8 needs exactly 8, not 9.
    expect(blocksNeeded({ noiseSd: 0.05, change: 0.07003963045282421 })).toBe(8);
    expect(blocksNeeded({ noiseSd: 0, change: 0.01 })).toBe(1);
    expect(() => blocksNeeded({ noiseSd: 0.05, change: 0 })).toThrow(RangeError);
  });

  it("inverts minimalDetectableChange", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (noiseSd, change) => {
          const n = blocksNeeded({ noiseSd, change });
          expect(minimalDetectableChange({ noiseSd, n })).toBeLessThanOrEqual(change * (1 + 1e-9));
          if (n > 1) expect(minimalDetectableChange({ noiseSd, n: n - 1 })).toBeGreaterThan(change);
        },
      ),
    );
  });
});
