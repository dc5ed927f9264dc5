import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RingQueue } from "./ring-queue.ts";

describe("RingQueue", () => {
  it("behaves like an array used as a FIFO through wrap-around and growth", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.option(fc.integer(), { nil: undefined }), { maxLength: 300 }),
        (capacity, ops) => {
          const queue = new RingQueue<number>(capacity);
          const model: number[] = [];
          for (const o of ops) {
            if (o === undefined) expect(queue.dequeue()).toBe(model.shift());
            else {
              queue.enqueue(o);
              model.push(o);
            }
            expect(queue.size).toBe(model.length);
            expect(queue.peek()).toBe(model[0]);
          }
          expect([...queue]).toEqual(model);
        },
      ),
    );
  });

  it("clears and rejects a bad capacity", () => {
    const queue = new RingQueue<string>();
    queue.enqueue("a");
    queue.clear();
    expect(queue.dequeue()).toBeUndefined();
    expect(() => new RingQueue(0)).toThrow(/initialCapacity/);
  });
});
