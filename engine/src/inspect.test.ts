import { describe, expect, it } from "vitest";
import { executionRequirements, goDuration, withoutNulls } from "./inspect.ts";

describe("executionRequirements", () => {
  it("sums the VUs of scenarios that overlap in time; arrival-rate counts its maxVUs", () => {
    const { requirements } = executionRequirements({
      scenarios: {
        a: { executor: "constant-vus", vus: 3, duration: "10s" },
        b: {
          executor: "constant-arrival-rate",
          rate: 10,
          duration: "5s",
          preAllocatedVUs: 2,
          maxVUs: 7,
          startTime: "2s",
        },
        // Starts after a and b are over (graceful stops included): does not add up with them.
        c: {
          executor: "shared-iterations",
          vus: 5,
          iterations: 5,
          startTime: "60s",
          gracefulStop: "0s",
        },
      },
    });
    expect(requirements?.maxVUs).toBe(10);
    // c ends last: 60 s + its 10 min maxDuration.
    expect(requirements?.totalDuration).toBe("11m0s");
  });

  it("reads k6's null-filled options and reports bad ones", () => {
    expect(withoutNulls({ a: null, b: { c: null, d: 1 }, e: [null, 2] })).toEqual({
      b: { d: 1 },
      e: [null, 2],
    });
    const { requirements, errors } = executionRequirements({ vus: -1, duration: "1s" });
    expect(requirements).toBeUndefined();
    expect(errors.join()).toMatch(/vus/);
  });

  it("writes durations as Go does", () => {
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(34_000)).toBe("34s");
    expect(goDuration(1_500)).toBe("1.5s");
    expect(goDuration(90_000)).toBe("1m30s");
    expect(goDuration(3_600_000)).toBe("1h0m0s");
  });
});
