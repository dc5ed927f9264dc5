import { describe, expect, it } from "vitest";
import type { Suite, Verdict } from "../schema/index.ts";
import { judgeForeignLoad } from "./foreign-load.ts";

function suite(id: string, meanCores: number, stealPct = 0): Suite {
  return {
    kind: "endpoint",
    id,
    tool: { name: "autocannon", version: "9.0.0" },
    status: "ok",
    metrics: [],
    meta: {
      connections: 10,
      foreignCores: meanCores,
      foreignCoresMax: meanCores * 1.5,
      stealPct,
    },
  };
}

const verdict = (suiteId: string): Verdict => ({
  suite: suiteId,
  metric: "latency",
  source: "k6-threshold",
  level: "error",
  status: "pass",
  rule: "p(95)<500",
  actual: 12,
  message: "latency p(95)<500 passed",
});

describe("foreign load", () => {
  it("warns for a suite above the core or steal limit and marks its verdicts, not the others'", () => {
    const { warnings, verdicts } = judgeForeignLoad(
      [suite("quiet", 0.2), suite("busy", 1.83), suite("stolen", 0.1, 22)],
      [verdict("quiet"), verdict("busy")],
    );
    expect(warnings.map((w) => [w.code, w.suite])).toEqual([
      ["foreign-load", "busy"],
      ["foreign-load", "stolen"],
    ]);
    expect(warnings[0]?.message).toContain("1.83 cores on average (peak 2.75), steal 0.0%");
    expect(verdicts[0]).toEqual(verdict("quiet"));
    expect(verdicts[1]?.message).toBe(
      "latency p(95)<500 passed [measured under foreign load: 1.83 cores]",
    );
    expect(verdicts[1]?.evidence).toMatchObject({ foreignLoadCores: 1.83, stealPct: 0 });
  });

  it("says when the app under test ran outside perfgate and counts as foreign", () => {
    const { warnings } = judgeForeignLoad([suite("busy", 1.2)], [], { externalTarget: true });
    expect(warnings[0]?.message).toMatch(/--base-url runs outside perfgate/);
  });

  it("says nothing about suites that were not sampled", () => {
    const plain = { ...suite("x", 0), meta: {} };
    expect(judgeForeignLoad([plain], [verdict("x")]).warnings).toEqual([]);
  });
});
