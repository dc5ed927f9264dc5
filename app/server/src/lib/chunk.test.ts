import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, chunkIterable } from "./chunk.ts";

describe("chunk", () => {
  it("splits into in-order batches of size, only the last shorter, losing nothing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 100 }),
        fc.integer({ min: 1, max: 12 }),
        (items, size) => {
          const batches = chunk(items, size);
          expect(batches.flat()).toEqual(items);
          expect(batches.length).toBe(Math.ceil(items.length / size));
          for (const b of batches.slice(0, -1)) expect(b).toHaveLength(size);
          expect([...chunkIterable(items, size)]).toEqual(batches);
        },
      ),
    );
  });

  it("rejects sizes that are not positive integers at the call", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => chunk([1], size)).toThrow(/size must be a positive integer/);
      expect(() => chunkIterable([1], size)).toThrow(/size must be a positive integer/);
    }
  });
});
