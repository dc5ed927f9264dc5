import { describe, expect, it } from "vitest";
import { planScenarios, type ScenarioPlan } from "./options.ts";
import {
  executionTuple,
  inStripes,
  parseRat,
  parseSequence,
  SegmentSequence,
  scaleByStripes,
  segmentPlan,
  threadTuple,
} from "./segment.ts";

const stripesOf = (seq: string, seg: string) => {
  const tuple = executionTuple(seg, seq);
  return tuple.sequence.stripes(tuple.index);
};

const plan = (scenario: Record<string, unknown>): ScenarioPlan => {
  const { scenarios, errors } = planScenarios({ scenarios: { s: scenario } });
  expect(errors).toEqual([]);
  return scenarios[0] as ScenarioPlan;
};

describe("execution segments (k6 lib/execution_segment.go)", () => {
  it("parses percentages, decimals and fractions exactly", () => {
    expect(parseRat("25%")).toEqual({ n: 1n, d: 4n });
    expect(parseRat("0.3")).toEqual({ n: 3n, d: 10n });
    expect(parseRat("2/4")).toEqual({ n: 1n, d: 2n });
    expect(parseRat("1")).toEqual({ n: 1n, d: 1n });
    expect(() => parseRat("abc")).toThrow(/not a valid/);
  });

  // k6's TestGetStripedOffsets (full sequences).
  it.each([
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0:0.3", 0, [4, 3, 3]],
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0.3:0.5", 1, [4, 6]],
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0.5:0.6", 2, [10]],
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0.6:0.7", 3, [10]],
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0.8:0.9", 8, [10]],
    ["0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0.9:1", 9, [10]],
    ["0,0.2,0.5,0.6,0.7,0.8,0.9,1", "0.9:1", 9, [10]],
    ["0,0.2,0.5,0.6,0.7,0.8,0.9,1", "0:0.2", 1, [4, 6]],
    ["0,0.2,0.5,0.6,0.7,0.8,0.9,1", "0.6:0.7", 3, [10]],
  ])("striped offsets of %s / %s", (seq, seg, start, offsets) => {
    expect(stripesOf(seq, seg)).toEqual({ start, offsets, lcd: 10 });
  });

  it("scales so that the segments of a sequence add up to the whole, monotonically", () => {
    for (const text of ["0,1/4,1/2,1", "0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0,1/3,2/3,1", "0,2/7,1"]) {
      const sequence = new SegmentSequence(parseSequence(text));
      for (let value = 0; value < 200; value += 1) {
        const parts = sequence.segments.map((_, i) => sequence.scale(i, value));
        expect(parts.reduce((a, b) => a + b, 0)).toBe(value);
        if (value > 0)
          for (const [i, part] of parts.entries())
            expect(part).toBeGreaterThanOrEqual(sequence.scale(i, value - 1));
      }
    }
  });

  it("hands every global index to exactly one segment (hand-computed 0,1/4,1/2,1)", () => {
    const sequence = new SegmentSequence(parseSequence("0,1/4,1/2,1"));
    // The 1/2 segment is the biggest, so it takes index 0, then every other one.
    expect(sequence.stripes(2)).toEqual({ start: 0, offsets: [2, 2], lcd: 4 });
    expect(sequence.stripes(0)).toEqual({ start: 1, offsets: [4], lcd: 4 });
    expect(sequence.stripes(1)).toEqual({ start: 3, offsets: [4], lcd: 4 });
    for (let i = 0; i < 40; i += 1) {
      const owners = [0, 1, 2].filter((s) => inStripes(sequence.stripes(s), i));
      expect(owners).toHaveLength(1);
    }
    expect(scaleByStripes(sequence.stripes(2), 10)).toBe(5);
    expect(sequence.scale(0, 10)).toBe(3); // indexes 1, 5, 9
    expect(sequence.scale(1, 10)).toBe(2); // indexes 3, 7
  });

  it("pads a lone segment into a full sequence, as k6 does", () => {
    const tuple = executionTuple("1/4:1/2");
    expect(tuple.sequence.segments).toHaveLength(3);
    expect(tuple.index).toBe(1);
    expect(executionTuple().sequence.scale(0, 7)).toBe(7);
  });

  it("rejects bad values naming the flag", () => {
    expect(() => executionTuple("1/2:1/4")).toThrow(/--execution-segment "1\/2:1\/4".*less than/);
    expect(() => executionTuple("0:2")).toThrow(/--execution-segment .*more than 1/);
    expect(() => executionTuple(undefined, "0")).toThrow(/--execution-segment-sequence/);
    expect(() => executionTuple("0:1/3", "0,1/2,1")).toThrow(/not a segment of/);
    expect(() => executionTuple("0:0.1234567")).toThrow(/--execution-segment.*denominator/);
  });

  it("splits every executor so that the segments add up to the unsegmented scenario", () => {
    const scenarios = [
      plan({ executor: "shared-iterations", vus: 3, iterations: 101 }),
      plan({ executor: "per-vu-iterations", vus: 5, iterations: 7 }),
      plan({ executor: "constant-vus", vus: 7, duration: "1s" }),
      plan({ executor: "constant-arrival-rate", rate: 10, duration: "1s", preAllocatedVUs: 3 }),
    ];
    for (const n of [2, 3, 4]) {
      for (const whole of scenarios) {
        const parts = Array.from({ length: n }, (_, i) => segmentPlan(whole, threadTuple(i, n)));
        const sum = (f: (p: ScenarioPlan) => number) =>
          parts.reduce((acc, p) => acc + (p ? f(p) : 0), 0);
        expect(sum((p) => p.vus)).toBe(whole.vus);
        if (whole.executor === "shared-iterations")
          expect(sum((p) => p.iterations)).toBe(whole.iterations);
        if (whole.executor === "constant-arrival-rate") {
          expect(sum((p) => p.preAllocatedVUs)).toBe(whole.preAllocatedVUs);
          for (let i = 0; i < 60; i += 1) {
            const owners = parts.filter((p) => p?.stripes && inStripes(p.stripes, i));
            expect(owners).toHaveLength(1);
          }
        }
      }
    }
  });

  it("gives a segment without VUs no work (k6's HasWork), and no iterations either", () => {
    const whole = plan({ executor: "shared-iterations", vus: 1, iterations: 10 });
    expect(segmentPlan(whole, threadTuple(0, 2))?.iterations).toBe(10);
    expect(segmentPlan(whole, threadTuple(1, 2))).toBeUndefined();
  });
});
