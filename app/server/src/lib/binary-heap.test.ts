import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ascending, BinaryHeap } from "./binary-heap.ts";

describe("BinaryHeap", () => {
  it("pops in comparator order, interleaved with pushes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer(), { nil: undefined }), { maxLength: 300 }),
        (ops) => {
          const heap = new BinaryHeap(ascending);
          const model: number[] = [];
          for (const o of ops) {
            if (o === undefined) {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            } else {
              heap.push(o);
              model.push(o);
            }
            expect(heap.size).toBe(model.length);
            expect(heap.peek()).toBe(model.length ? Math.min(...model) : undefined);
          }
        },
      ),
    );
  });

  it("supports records with a custom comparator", () => {
    const heap = new BinaryHeap<{ at: number }>((a, b) => b.at - a.at);
    for (const at of [3, 9, 1]) heap.push({ at });
    expect([heap.pop()?.at, heap.pop()?.at, heap.pop()?.at, heap.pop()]).toEqual([
      9,
      3,
      1,
      undefined,
    ]);
  });
});
