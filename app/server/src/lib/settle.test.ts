import { describe, expect, it } from "vitest";
import { createLimiter, mapSettled } from "./settle.ts";

describe("mapSettled", () => {
  it("never runs more than the limit at once and keeps input order", async () => {
    let active = 0;
    let peak = 0;
    const results = await mapSettled([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, ms));
      active--;
      return ms * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : r.reason))).toEqual([
      50, 10, 40, 20, 30, 0,
    ]);
  });

  it("reports each failure on its own and still runs the rest", async () => {
    const results = await mapSettled(["a", "boom", "c"], 1, async (item) => {
      if (item === "boom") throw new Error("part failed");
      return item.toUpperCase();
    });
    expect(results[0]).toEqual({ status: "fulfilled", value: "A" });
    expect(results[1]).toMatchObject({ status: "rejected", reason: { message: "part failed" } });
    expect(results[2]).toEqual({ status: "fulfilled", value: "C" });
  });

  it("rejects a limit that is not a positive integer", () => {
    expect(() => createLimiter(0)).toThrow(/positive integer/);
  });
});
