import { describe, expect, it } from "vitest";
import { makeRuns } from "../../test/fixtures/trends/make-runs.ts";
import { expectGolden } from "../../test/golden.ts";
import { buildRunDiff } from "../report/run-diff.ts";
import { renderRunDiffMarkdown } from "./run-diff-markdown.ts";

describe("perfgate diff", () => {
  const runs = makeRuns(40, 20);

  it("matches its golden markdown across a level shift", () => {
    const model = buildRunDiff(runs[5] as never, runs[30] as never);
    expect(model.rows.find((r) => r.metric === "http_req_duration")?.label).toBe("worse");
    expectGolden("render/run-diff.md", renderRunDiffMarkdown(model));
  });

  it("marks metrics present on one side only", () => {
    const a = structuredClone(runs[0]) as NonNullable<(typeof runs)[0]>;
    const b = structuredClone(runs[1]) as NonNullable<(typeof runs)[0]>;
    b.suites[0]?.metrics.pop();
    const rows = buildRunDiff(a, b).rows;
    expect(rows.find((r) => r.metric === "http_req_failed")?.label).toBe("removed");
  });
});
