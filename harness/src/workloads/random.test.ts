import { describe, expect, it } from "vitest";
import { createRandom, shuffle, zipfRanks } from "./random.ts";

describe("seeded inputs", () => {
  it("repeats exactly for a seed and differs between seeds", () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("draws Zipf ranks in range with rank frequencies close to 1/(r+1)", () => {
    const n = 100;
    const ranks = zipfRanks(n, 1, 200_000, createRandom(1));
    const counts = new Array<number>(n).fill(0);
    for (const r of ranks) counts[r] = (counts[r] ?? 0) + 1;
    expect(ranks.reduce((m, r) => Math.min(m, r), n)).toBeGreaterThanOrEqual(0);
    expect(ranks.reduce((m, r) => Math.max(m, r), 0)).toBeLessThan(n);
    // Harmonic(100) ~ 5.187: rank 0 has p ~ 0.193, rank 1 ~ 0.096, rank 9 ~ 0.019.
    expect((counts[0] ?? 0) / ranks.length).toBeCloseTo(0.193, 2);
    expect((counts[1] ?? 0) / ranks.length).toBeCloseTo(0.0964, 2);
    expect((counts[9] ?? 0) / ranks.length).toBeCloseTo(0.0193, 2);
  });

  it("shuffles to a permutation, reproducibly", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = shuffle([...items], createRandom(3));
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(shuffle([...items], createRandom(3))).toEqual(once);
    expect(once).not.toEqual(items);
  });
});
