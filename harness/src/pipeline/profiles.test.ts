import { describe, expect, it } from "vitest";
import { applyOverrides, type LoadProfile, skippedStageIds } from "./profiles.ts";

const base: LoadProfile = {
  scenarios: ["scenarios/smoke.ts"],
  vars: { SMOKE_DURATION: "5s", RATE: "10" },
  endpoints: [
    { id: "list", path: "/api/products", durationSeconds: 5 },
  ] as LoadProfile["endpoints"],
  lighthouse: { paths: ["/"], runs: 1, gate: false },
};

describe("applyOverrides", () => {
  it("changes only what the flags name", () => {
    const profile = applyOverrides(base, {
      skip: new Set(),
      vars: { RATE: "20" },
      endpointSeconds: 2,
    });
    expect(profile.scenarios).toEqual(["scenarios/smoke.ts"]);
    expect(profile.vars).toEqual({ SMOKE_DURATION: "5s", RATE: "20" });
    expect(profile.endpoints[0]?.durationSeconds).toBe(2);
    expect(profile.lighthouse).toEqual(base.lighthouse);
    expect(base.vars.RATE).toBe("10");
  });

  it("leaves a skipped stage nothing to run, even a scenario given by flag", () => {
    const profile = applyOverrides(base, {
      skip: new Set(["k6", "endpoints", "lighthouse"]),
      scenarios: ["mine.ts"],
      vars: {},
    });
    expect(profile.scenarios).toEqual([]);
    expect(profile.endpoints).toEqual([]);
    expect(profile).not.toHaveProperty("lighthouse");
  });

  it("skips both memory stages for --skip memory", () => {
    expect([...skippedStageIds(new Set(["memory", "bundle"]))]).toEqual([
      "memory-sampling",
      "memory",
      "bundle",
    ]);
  });
});
