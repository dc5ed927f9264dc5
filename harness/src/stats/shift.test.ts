import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hodgesLehmannShift, ratioOfMedians } from "./shift.ts";

describe("hodgesLehmannShift", () => {
  it("is the median of all pairwise differences (hand computed)", () => {
    // head − base over all pairs: 4−1, 4−2, 4−3, 6−1, 6−2, 6−3 = 3, 2, 1, 5, 4, 3
    // sorted 1, 2, 3, 3, 4, 5 -> median 3.
    expect(hodgesLehmannShift([1, 2, 3], [4, 6])).toBe(3);
    // pairs: 10−1, 10−2, 10−9, 11−1, 11−2, 11−9 = 9, 8, 1, 10, 9, 2
    // sorted 1, 2, 8, 9, 9, 10 -> (8 + 9) / 2.
    expect(hodgesLehmannShift([1, 2, 9], [10, 11])).toBe(8.5);
    // one outlier in head does not move it: pairs 0, 1, 100 -> 1.
    expect(hodgesLehmannShift([5], [5, 6, 105])).toBe(1);
  });

  it("recovers an exact shift c of head = base + c", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: -500, max: 500 }),
        (base, c) => {
          expect(
            hodgesLehmannShift(
              base,
              base.map((v) => v + c),
            ),
          ).toBe(c);
        },
      ),
    );
  });

  it("is antisymmetric in base and head", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 12 }),
        (base, head) => {
          expect(hodgesLehmannShift(head, base) + hodgesLehmannShift(base, head)).toBe(0);
        },
      ),
    );
  });

  it("rejects empty samples", () => {
    expect(() => hodgesLehmannShift([], [1])).toThrow(RangeError);
    expect(() => hodgesLehmannShift([1], [])).toThrow(RangeError);
  });
});

describe("ratioOfMedians", () => {
  it("divides the medians", () => {
    // median(head) = 11, median(base) = 10.
    expect(ratioOfMedians([9, 10, 50], [11, 12, 1])).toBeCloseTo(1.1, 12);
    expect(ratioOfMedians([2, 4], [6, 6])).toBe(2);
  });

  it("throws when the base median is 0 or a side is empty", () => {
    expect(() => ratioOfMedians([0, 0, 1], [1])).toThrow(/base median is 0/);
    expect(() => ratioOfMedians([], [1])).toThrow(RangeError);
  });
});
