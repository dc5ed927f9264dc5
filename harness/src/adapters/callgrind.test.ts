import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimatedCycles, parseCallgrindDump, perCallCounts } from "./callgrind.ts";

const FIXTURE = path.join(import.meta.dirname, "../../test/fixtures/raw/callgrind/region.out");

describe("parseCallgrindDump", () => {
  it("reads every event of a real dump's summary line", () => {
    const counts = parseCallgrindDump(readFileSync(FIXTURE, "utf8"));
    expect(counts).toEqual({
      Ir: 11173774,
      Dr: 2628166,
      Dw: 1027584,
      I1mr: 1865,
      D1mr: 75526,
      D1mw: 11032,
      ILmr: 8,
      DLmr: 0,
      DLmw: 207,
    });
  });

  it("reads a dump without cache simulation (Ir only) and falls back to totals:", () => {
    expect(parseCallgrindDump("events: Ir\ntotals: 42\n")).toEqual({ Ir: 42 });
  });

  it("rejects text that is not a dump", () => {
    expect(() => parseCallgrindDump("hello")).toThrow(/not a callgrind dump/);
    expect(() => parseCallgrindDump("events: Dr\nsummary: 3\n")).toThrow(/no Ir/);
  });
});

describe("perCallCounts", () => {
  it("cancels the fixed cost of a region", () => {
    const fixed = 1000;
    const single = { Ir: fixed + 10 * 70, Dr: 5 + 10 * 3 };
    const double = { Ir: fixed + 20 * 70, Dr: 5 + 20 * 3 };
    expect(perCallCounts(single, double, 10)).toEqual({ Ir: 70, Dr: 3 });
  });
});

describe("estimatedCycles", () => {
  it("charges 1 per L1 hit, 5 per last-level hit, 35 per RAM access", () => {
    const counts = {
      Ir: 100,
      Dr: 50,
      Dw: 10,
      I1mr: 4,
      D1mr: 6,
      D1mw: 0,
      ILmr: 1,
      DLmr: 1,
      DLmw: 0,
    };
    // accesses 160, L1 misses 10, RAM 2 -> L1 hits 150, LL hits 8.
    expect(estimatedCycles(counts)).toBe(150 + 5 * 8 + 35 * 2);
  });

  it("is undefined without cache simulation", () => {
    expect(estimatedCycles({ Ir: 100 })).toBeUndefined();
  });
});
