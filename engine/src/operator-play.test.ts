import { describe, expect, it } from "vitest";
import { runnerArgs, segmentArgs } from "./operator-play.ts";
import { executionTuple } from "./segment.ts";

/** The k6-operator's own expectations (pkg/segmentation, pkg/resources/jobs tests). */
describe("the operator's runner arguments", () => {
  it("segments as segmentation.NewCommandFragments does, and the engine accepts each", () => {
    expect(segmentArgs(1, 4)).toEqual([
      "--execution-segment=0:1/4",
      "--execution-segment-sequence=0,1/4,2/4,3/4,1",
    ]);
    expect(segmentArgs(4, 4)[0]).toBe("--execution-segment=3/4:1");
    // parallelism 1: the operator adds no segment flags.
    expect(segmentArgs(1, 1)).toEqual([]);
    for (let i = 1; i <= 3; i += 1) {
      const [segment, sequence] = segmentArgs(i, 3).map((a) => a.split("=")[1]);
      expect(() => executionTuple(segment, sequence)).not.toThrow();
    }
  });

  it("builds runner.go's command after `k6`", () => {
    expect(
      runnerArgs({
        index: 1,
        total: 1,
        script: "/test/test.js",
        testrunName: "test",
        address: "0.0.0.0:6565",
      }),
    ).toEqual([
      "run",
      "--quiet",
      "/test/test.js",
      "--address=0.0.0.0:6565",
      "--paused",
      "--tag",
      "instance_id=1",
      "--tag",
      "testrun_name=test",
    ]);
  });
});
