import { describe, expect, it } from "vitest";
import type { RunResult, Verdict } from "../schema/index.ts";
import { runExitCode } from "./thresholds.ts";

const fail: Verdict = {
  suite: "smoke",
  metric: "http_req_duration",
  source: "k6-threshold",
  level: "error",
  status: "fail",
  rule: "p(95)<100",
  message: "failed",
};

function run(overrides: Partial<Pick<RunResult, "status" | "verdicts" | "suites">>) {
  return { status: "complete", verdicts: [], suites: [], ...overrides } as Pick<
    RunResult,
    "status" | "verdicts" | "suites"
  >;
}

describe("runExitCode", () => {
  it("says interrupted first, then failed verdicts, then an errored suite", () => {
    const errored = [{ status: "errored" }] as RunResult["suites"];
    expect(runExitCode(run({}))).toBe(0);
    expect(runExitCode(run({ suites: errored }))).toBe(3);
    expect(runExitCode(run({ suites: errored, verdicts: [fail] }))).toBe(1);
    expect(runExitCode(run({ status: "interrupted", verdicts: [fail] }))).toBe(130);
  });

  it("does not fail on a warning-level verdict", () => {
    expect(runExitCode(run({ verdicts: [{ ...fail, level: "warn" }] }))).toBe(0);
  });
});
