import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { benjaminiHochberg, holm } from "./multiple-testing.ts";

function close(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, 12);
  });
}

describe("holm", () => {
  it("adjusts [0.01, 0.04, 0.03] like R's p.adjust", () => {
    // sorted 0.01, 0.03, 0.04 -> ×3, ×2, ×1 = 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06.
    close(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  });

  it("caps at 1 and keeps ties", () => {
    // sorted 0.2, 0.5, 0.5, 0.9 -> ×4 = 0.8; ×3 = 1.5 -> 1; ×2 = 1; ×1 = 0.9 -> max 1.
    close(holm([0.5, 0.2, 0.9, 0.5]), [1, 0.8, 1, 1]);
    expect(holm([])).toEqual([]);
    expect(holm([0.02])).toEqual([0.02]);
  });

  it("rejects p-values outside [0, 1]", () => {
    expect(() => holm([0.1, 1.2])).toThrow(RangeError);
    expect(() => holm([Number.NaN])).toThrow(RangeError);
  });
});

describe("benjaminiHochberg", () => {
  it("adjusts like R's p.adjust(method = 'BH')", () => {
    // m = 5, sorted 0.01, 0.02, 0.03, 0.04, 0.05 -> m/rank·p = 0.05 each.
    close(benjaminiHochberg([0.05, 0.01, 0.03, 0.02, 0.04]), [0.05, 0.05, 0.05, 0.05, 0.05]);
    // sorted 0.001, 0.008, 0.039, 0.041, 0.6 (m = 5): ×5, ×5/2, ×5/3, ×5/4, ×1
    // = 0.005, 0.02, 0.065, 0.05125, 0.6 -> running min from the top: 0.005, 0.02, 0.05125,
    // 0.05125, 0.6.
    close(
      benjaminiHochberg([0.041, 0.001, 0.6, 0.039, 0.008]),
      [0.05125, 0.005, 0.6, 0.05125, 0.02],
    );
    close(benjaminiHochberg([0.9, 0.8]), [0.9, 0.9]);
  });
});

describe("adjustment properties", () => {
  const pValues = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

  it("adjusted ≥ raw, ≤ 1, monotone in raw p, and Holm ≥ BH", () => {
    fc.assert(
      fc.property(pValues, (ps) => {
        const h = holm(ps);
        const bh = benjaminiHochberg(ps);
        ps.forEach((p, i) => {
          for (const adjusted of [h, bh]) {
            const a = adjusted[i] as number;
            expect(a).toBeGreaterThanOrEqual(p);
            expect(a).toBeLessThanOrEqual(1);
            ps.forEach((q, j) => {
              if (p < q) expect(a).toBeLessThanOrEqual(adjusted[j] as number);
            });
          }
          expect(h[i] as number).toBeGreaterThanOrEqual((bh[i] as number) - 1e-15);
        });
      }),
    );
  });
});
