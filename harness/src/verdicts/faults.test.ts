import { describe, expect, it } from "vitest";
import { Suite } from "../schema/index.ts";
import type { FaultImpact } from "./fault-impact.ts";
import { faultsSuite, judgeFaults } from "./faults.ts";

function impact(id: string, overrides: Partial<FaultImpact> = {}): FaultImpact {
  return {
    event: { id, label: id, injectedAtMs: 0, clearedAtMs: 2000, step: "ok" },
    windowSeconds: 15,
    requests: 600,
    errors: 30,
    errorRate: 0.05,
    errorsByStatus: { "0": 28, "503": 2 },
    errorsByName: {},
    peakErrorRate: 0.9,
    peakSecond: 1,
    baseline: { requests: 200, successRate: 1, p95Ms: 8 },
    p95DuringMs: 12.34567,
    maxSecondP95Ms: 40,
    recoverySeconds: 4,
    seconds: [],
    ...overrides,
  };
}

describe("faultsSuite", () => {
  it("keeps per-fault metrics tagged with the fault, and the step outcome in meta", () => {
    const suite = faultsSuite(
      [
        impact("app-restart"),
        impact("redis-kill", {
          recoverySeconds: undefined,
          event: {
            id: "redis-kill",
            label: "Redis killed",
            injectedAtMs: 0,
            clearedAtMs: 0,
            step: "failed",
            message: "redis-server did not restart",
            facts: { redisState: "down" },
          },
        }),
      ],
      { name: "perfgate-faults", version: "1" },
    );
    expect(Suite.parse(suite)).toEqual(suite);
    const value = (id: string) => suite.metrics.find((m) => m.id === id)?.value;
    expect(value("app-restart.errors_no_response")).toBe(28);
    expect(value("app-restart.errors_5xx")).toBe(2);
    expect(value("app-restart.p95_during")).toBe(12.346);
    expect(value("app-restart.recovery")).toBe(4);
    expect(value("redis-kill.recovery")).toBeUndefined();
    expect(suite.metrics.find((m) => m.id === "app-restart.errors")?.tags).toEqual({
      fault: "app-restart",
    });
    expect(suite.meta).toMatchObject({
      "redis-kill.step": "failed",
      "redis-kill.message": "redis-server did not restart",
      "redis-kill.redisState": "down",
      "app-restart.step": "ok",
    });
  });
});

describe("judgeFaults", () => {
  it("passes within the limit, fails beyond it or without recovery, names a failed step", () => {
    const verdicts = judgeFaults(
      [
        impact("worker-crash", { recoverySeconds: 1 }),
        impact("app-restart", { recoverySeconds: 12 }),
        impact("slow-db", { recoverySeconds: undefined }),
        impact("redis-kill", {
          event: {
            id: "redis-kill",
            label: "",
            injectedAtMs: 0,
            clearedAtMs: 0,
            step: "failed",
            message: "E_REDIS_START: port taken",
          },
        }),
        impact("late", { baseline: undefined }),
      ],
      { "app-restart": 10 },
      5,
    );
    expect(verdicts.map((v) => [v.metric, v.status, v.rule])).toEqual([
      ["worker-crash.recovery", "pass", "recovered within 5 s"],
      ["app-restart.recovery", "fail", "recovered within 10 s"],
      ["slow-db.recovery", "fail", "recovered within 5 s"],
      ["redis-kill.recovery", "fail", "recovered within 5 s"],
      ["late.recovery", "skip", "recovered within 5 s"],
    ]);
    expect(verdicts[0]?.message).toBe(
      "worker-crash: recovered within 1 s (limit 5 s); 30 errors of 600 requests (peak 90%/s)",
    );
    expect(verdicts[2]?.message).toMatch(/not back in the pre-fault band within its 15 s window/);
    expect(verdicts[3]?.message).toMatch(/the fault step failed: E_REDIS_START: port taken/);
    expect(verdicts.every((v) => v.source === "fault" && v.level === "error")).toBe(true);
  });
});
