import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "../metrics.ts";
import { newGroup, setEngineState } from "../state.ts";
import { check, randomSeed } from "./k6.ts";

const originalRandom = Math.random;
afterEach(() => {
  Math.random = originalRandom;
});

describe("k6 module: check() and randomSeed()", () => {
  it("a throwing condition is a failed check, then the exception ends the iteration (k6)", () => {
    const registry = new Registry();
    const rootGroup = newGroup("", "");
    setEngineState({
      registry,
      env: {},
      scriptDir: ".",
      rootGroup,
      startedAt: 0,
      abort: () => {},
      userAgent: "t",
    });
    expect(() =>
      check(null, {
        first: () => true,
        throws: (r: unknown) => (r as { x: { y: number } }).x.y === 1,
        never: () => true,
      }),
    ).toThrow(TypeError);
    const counts = [...rootGroup.checks.values()].map((c) => [c.name, c.passes, c.fails]);
    expect(counts).toEqual([
      ["first", 1, 0],
      ["throws", 0, 1],
    ]);
  });

  it("randomSeed makes Math.random repeat its sequence", () => {
    randomSeed(42);
    const first = [Math.random(), Math.random(), Math.random()];
    randomSeed(42);
    expect([Math.random(), Math.random(), Math.random()]).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    randomSeed(43);
    expect(Math.random()).not.toBe(first[0]);
  });
});
