import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holm } from "./multiple-testing.ts";

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

describe("adjustment properties", () => {
  const pValues = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

  it("adjusted ≥ raw, ≤ 1 and monotone in raw p", () => {
    fc.assert(
      fc.property(pValues, (ps) => {
        const h = holm(ps);
        ps.forEach((p, i) => {
          const a = h[i] as number;
          expect(a).toBeGreaterThanOrEqual(p);
          expect(a).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(a).toBeLessThanOrEqual(h[j] as number);
          });
        });
      }),
    );
  });
});
