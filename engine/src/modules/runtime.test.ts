import { describe, expect, it } from "vitest";
import { __pgIter } from "./runtime.ts";

const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1));

describe("__pgIter: array methods over async callbacks, one item after another", () => {
  it("keeps each method's result and order", async () => {
    const seen: number[] = [];
    await __pgIter([1, 2, 3], "forEach", async (v) => {
      seen.push(await later(v as number));
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(await __pgIter([1, 2], "map", async (v) => later((v as number) * 2))).toEqual([2, 4]);
    expect(await __pgIter([1, 2, 3], "filter", async (v) => (v as number) > 1)).toEqual([2, 3]);
    expect(await __pgIter([1, 2], "some", async (v) => v === 2)).toBe(true);
    expect(await __pgIter([1, 2], "every", async (v) => v === 2)).toBe(false);
    expect(await __pgIter([1, 2], "find", async (v) => v === 2)).toBe(2);
    expect(await __pgIter([1, 2], "findIndex", async (v) => v === 3)).toBe(-1);
    expect(await __pgIter([1, 2], "flatMap", async (v) => [v, v])).toEqual([1, 1, 2, 2]);
  });

  it("runs Map and Set forEach with (value, key), and names what it cannot iterate", async () => {
    const seen: unknown[] = [];
    await __pgIter(new Map([["a", 1]]), "forEach", async (v, k) => {
      seen.push([k, v]);
    });
    expect(seen).toEqual([["a", 1]]);
    await expect(__pgIter({ forEach() {} }, "forEach", async () => {})).rejects.toThrow(
      /needs an array, a Map or a Set/,
    );
  });
});
