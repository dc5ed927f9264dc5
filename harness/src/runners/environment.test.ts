import { describe, expect, it } from "vitest";
import { RunResult } from "../schema/index.ts";
import { makeRunId } from "./environment.ts";

const runIdField = RunResult.shape.runId;

describe("makeRunId (issue 22 H3)", () => {
  it("two runs started in the same millisecond of the same commit get different ids", () => {
    const at = new Date("2026-11-25T02:03:04.567Z");
    const ids = new Set(Array.from({ length: 50 }, () => makeRunId(at, "abc1234")));
    expect(ids.size).toBe(50);
  });

  it("sorts by time within one second and is valid for the schema", () => {
    const fixed = () => "00000";
    const early = makeRunId(new Date("2026-11-25T02:03:04.009Z"), "abc1234", () => "fffff");
    const late = makeRunId(new Date("2026-11-25T02:03:04.120Z"), "abc1234", fixed);
    expect(early).toBe("20261125T020304Z_abc1234-009fffff");
    expect([late, early].sort()).toEqual([early, late]);
    expect(runIdField.safeParse(early).success).toBe(true);
  });

  it("records written before the suffix stay valid", () => {
    expect(runIdField.safeParse("20261125T020304Z_abc1234").success).toBe(true);
    expect(runIdField.safeParse("20261125T020304Z_abc1234-").success).toBe(false);
  });
});
