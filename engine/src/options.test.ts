import { describe, expect, it } from "vitest";
import { planScenarios, rampingArrivalStarts, rampingVusAt } from "./options.ts";

describe("planScenarios shortcuts (k6 execution_config_shortcuts.go)", () => {
  it("iterations -> shared-iterations with maxDuration from duration", () => {
    const { scenarios, errors } = planScenarios({ vus: 2, iterations: 10, duration: "5s" });
    expect(errors).toEqual([]);
    expect(scenarios[0]).toMatchObject({
      name: "default",
      executor: "shared-iterations",
      vus: 2,
      iterations: 10,
      maxDurationMs: 5000,
    });
  });

  it("duration -> constant-vus; stages -> ramping-vus; vus only -> k6's warning and 1 iteration; nothing -> 1 iteration", () => {
    expect(planScenarios({ vus: 3, duration: "10s" }).scenarios[0]).toMatchObject({
      executor: "constant-vus",
      vus: 3,
      durationMs: 10_000,
    });
    expect(planScenarios({ stages: [{ duration: "2s", target: 5 }] }).scenarios[0]).toMatchObject({
      executor: "ramping-vus",
      startVUs: 1,
    });
    expect(planScenarios({ vus: 4 })).toMatchObject({
      scenarios: [{ executor: "per-vu-iterations", vus: 1, iterations: 1 }],
      warnings: [expect.stringContaining("the `vus=4` option will be ignored")],
    });
    expect(planScenarios({}).scenarios[0]).toMatchObject({
      executor: "per-vu-iterations",
      vus: 1,
      iterations: 1,
    });
  });

  it("reports conflicting shortcuts with k6's message", () => {
    const { errors } = planScenarios({ duration: "10s", stages: [{ duration: "1s", target: 1 }] });
    expect(errors).toContain(
      "options: using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed",
    );
  });

  it("reports every problem at once, each naming the option", () => {
    const { errors } = planScenarios({
      scenarios: {
        a: { executor: "constant-vus", vus: 0 },
        b: {
          executor: "constant-arrival-rate",
          rate: 10,
          duration: "x",
          preAllocatedVUs: 5,
          maxVUs: 2,
        },
        c: { executor: "externally-controlled", vus: 1, duration: "1m" },
        d: { executor: "shared-iterations", vuz: 1 },
      },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "scenarios.a.vus: must be an integer >= 1, got 0",
        "scenarios.a.duration: is required",
        'scenarios.b.duration: "x" is not a duration (e.g. "30s", "1m30s", "500ms")',
        "scenarios.b.maxVUs: must be >= preAllocatedVUs (5), got 2",
        expect.stringContaining(
          "scenarios.c.executor: externally-controlled was removed in k6 v2.0.0",
        ),
        expect.stringContaining("scenarios.d.vuz: is not an option of shared-iterations"),
      ]),
    );
  });
});

describe("executor planners against k6's test vectors", () => {
  it("ramping-arrival-rate start times (k6 TestRampingArrivalRateCal)", () => {
    const starts = rampingArrivalStarts(0, 1000, [
      { durationMs: 5000, target: 1 },
      { durationMs: 1000, target: 1 },
      { durationMs: 5000, target: 0 },
    ]);
    // k6 compares time.Durations truncated to the millisecond.
    expect(starts.map((ms) => Math.floor(ms + 1e-6) / 1000)).toEqual([
      3.162, 4.472, 5.5, 6.527, 7.837, 11,
    ]);
  });

  it("ramping-vus raw steps (k6 TestRampingVUsConfigExecutionPlanExample)", () => {
    const stages = [
      [2, 6],
      [5, 1],
      [4, 5],
      [4, 1],
      [3, 4],
      [2, 4],
      [0, 1],
      [3, 1],
    ].map(([s, target]) => ({ durationMs: (s as number) * 1000, target: target as number }));
    const expected: Record<number, number> = {
      0: 4,
      1: 5,
      2: 6,
      3: 5,
      4: 4,
      5: 3,
      6: 2,
      7: 1,
      8: 2,
      9: 3,
      10: 4,
      11: 5,
      12: 4,
      13: 3,
      14: 2,
      15: 1,
      16: 2,
      17: 3,
      18: 4,
      20: 1,
      23: 0,
    };
    for (const [second, vus] of Object.entries(expected)) {
      expect(rampingVusAt(4, stages, Number(second) * 1000), `t=${second}s`).toBe(vus);
    }
  });
});
