import { describe, expect, it } from "vitest";
import { calibratedMultiplier, calibrationRecord } from "./lighthouse-calibration.ts";

const calibration = { targetBenchmarkIndex: 500, minMultiplier: 1, maxMultiplier: 8 };

describe("calibratedMultiplier", () => {
  it("divides the measured benchmarkIndex by the target device's", () => {
    expect(calibratedMultiplier(2000, calibration, 4)).toBe(4);
    expect(calibratedMultiplier(1234, calibration, 4)).toBe(2.47);
  });

  it("slows a busier (lower-index) machine down less, within the bounds", () => {
    expect(calibratedMultiplier(800, calibration, 4)).toBeLessThan(
      calibratedMultiplier(2000, calibration, 4),
    );
    expect(calibratedMultiplier(100, calibration, 4)).toBe(1);
    expect(calibratedMultiplier(9000, calibration, 4)).toBe(8);
  });

  it("keeps the configured multiplier when calibration is off or the index is missing", () => {
    expect(calibratedMultiplier(2000, false, 4)).toBe(4);
    expect(calibratedMultiplier(0, calibration, 3)).toBe(3);
    expect(calibratedMultiplier(Number.NaN, calibration, 3)).toBe(3);
  });
});

describe("calibrationRecord", () => {
  it("records each run and the settings, rounded", () => {
    expect(
      calibrationRecord(
        [
          { benchmarkIndex: 1999.25, cpuSlowdownMultiplier: 4, foreignCores: 0.123 },
          { benchmarkIndex: 1000, cpuSlowdownMultiplier: 2 },
        ],
        calibration,
      ),
    ).toEqual({
      method: "benchmark-index",
      targetBenchmarkIndex: 500,
      minMultiplier: 1,
      maxMultiplier: 8,
      runs: [
        { benchmarkIndex: 1999.25, cpuSlowdownMultiplier: 4, foreignCores: 0.12 },
        { benchmarkIndex: 1000, cpuSlowdownMultiplier: 2 },
      ],
    });
    expect(calibrationRecord([{ benchmarkIndex: 1, cpuSlowdownMultiplier: 4 }], false).method).toBe(
      "fixed",
    );
  });
});
