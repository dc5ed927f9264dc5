import { describe, expect, it } from "vitest";
import { readMixPaths } from "./read-mix.ts";

describe("readMixPaths", () => {
  it("is the same sequence for the same seed, and a different one for another seed", () => {
    const a = readMixPaths({ seed: 7, count: 200, products: 1000 });
    expect(readMixPaths({ seed: 7, count: 200, products: 1000 })).toEqual(a);
    expect(readMixPaths({ seed: 8, count: 200, products: 1000 })).not.toEqual(a);
  });

  it("mixes detail, list and search about 70/20/10, skewed to popular items, within the catalogue", () => {
    const paths = readMixPaths({ seed: 1, count: 20_000, products: 5000 });
    const detail = paths.filter((p) => /^\/api\/products\/\d+$/.test(p));
    const list = paths.filter((p) => p.startsWith("/api/products?"));
    const search = paths.filter((p) => p.startsWith("/api/search?"));
    expect(detail.length + list.length + search.length).toBe(paths.length);
    expect(detail.length / paths.length).toBeCloseTo(0.7, 1);
    expect(list.length / paths.length).toBeCloseTo(0.2, 1);
    const ids = detail.map((p) => Number(p.split("/").at(-1)));
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ids)).toBeLessThanOrEqual(5000);
    // Zipf: item 1 is viewed far more than item 100.
    const views = (id: number) => ids.filter((x) => x === id).length;
    expect(views(1)).toBeGreaterThan(10 * Math.max(1, views(100)));
  });
});
