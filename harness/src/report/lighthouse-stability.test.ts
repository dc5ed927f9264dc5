import { describe, expect, it } from "vitest";
import {
  renderStabilityTable,
  type StabilityRun,
  stabilityMetrics,
  stabilityRows,
} from "./lighthouse-stability.ts";

/** Idle runs at index 2000 (×4); burned at 1000: the fixed 4× doubles TBT, the calibrated 2× does not. */
const run = (
  condition: StabilityRun["condition"],
  index: number,
  tbt: [number, number],
): StabilityRun => ({
  condition,
  benchmarkIndex: index,
  foreignCores: condition === "idle" ? 0.1 : 1.9,
  audits: {
    calibrated: { multiplier: index / 500, tbt: tbt[0], score: 0.9, lcp: 1500 },
    fixed: { multiplier: 4, tbt: tbt[1], score: condition === "idle" ? 0.9 : 0.7, lcp: 1600 },
    matched: { multiplier: 3, tbt: tbt[1] * 0.75, score: 0.8, lcp: 1550 },
  },
});
const runs = [
  run("idle", 2000, [200, 200]),
  run("idle", 2000, [220, 220]),
  run("idle", 2000, [210, 210]),
  run("burned", 1000, [230, 420]),
  run("burned", 1000, [250, 460]),
  run("burned", 1000, [240, 440]),
];

describe("the Lighthouse stability check", () => {
  it("compares the burn's shift of each metric under calibrated and fixed throttling", () => {
    const rows = stabilityRows(runs);
    expect(rows.find((r) => r.metric === "tbt" && r.throttling === "calibrated")).toEqual({
      metric: "tbt",
      throttling: "calibrated",
      idleMedian: 210,
      burnedMedian: 240,
      shift: 30,
      min: 200,
      max: 250,
    });
    expect(rows.find((r) => r.metric === "tbt" && r.throttling === "fixed")?.shift).toBe(230);
  });

  it("reports calibrated ÷ fixed as lower-is-better ratios, none where fixed did not move", () => {
    const metrics = stabilityMetrics(stabilityRows(runs));
    expect(metrics.find((m) => m.id === "lighthouse/tbt/shift_calibrated_vs_fixed")?.value).toBe(
      30 / 230,
    );
    // LCP did not move under either: no ratio of zero by zero.
    expect(metrics.some((m) => m.id.startsWith("lighthouse/lcp/shift"))).toBe(false);
  });

  it("renders a table with the machine each condition saw", () => {
    const table = renderStabilityTable(runs, "/dashboard");
    expect(table).toContain(
      "| tbt | calibrated | 2.00–4.00× | 210 ms | 240 ms | 30 ms | 200 ms–250 ms |  |",
    );
    expect(table).toContain(
      "| tbt | fixed | 4.00× | 210 ms | 440 ms | 230 ms | 200 ms–460 ms | 0.13×, 0.19× |",
    );
    expect(table).toContain(
      "burned: 3 runs, benchmarkIndex median 1000, foreign load median 1.90 cores",
    );
  });
});
