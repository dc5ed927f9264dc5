import { describe, expect, it } from "vitest";
import type { Verdict } from "../schema/index.ts";
import { thresholdLines } from "./thresholds.ts";

const verdict = (source: Verdict["source"], rule: string): Verdict => ({
  suite: "s",
  metric: "m",
  source,
  level: "error",
  status: "pass",
  rule,
  message: "x",
});

describe("threshold lines", () => {
  it("reads the statistic and value of a k6 threshold", () => {
    expect(thresholdLines(verdict("k6-threshold", "p(95)<500"), "ms")).toEqual([
      { value: 500, label: "p(95)<500", statistic: "p95" },
    ]);
    expect(thresholdLines(verdict("k6-threshold", "rate<0.01"), "ratio")[0]?.value).toBe(0.01);
  });

  it("draws both edges of a bundle size band in bytes, and nothing for an exception", () => {
    expect(
      thresholdLines(verdict("budget", "100.0 KiB–250.0 KiB raw"), "bytes").map((l) => l.value),
    ).toEqual([102_400, 256_000]);
    expect(thresholdLines(verdict("budget", "<= 100.0 KB"), "bytes")[0]?.value).toBe(102_400);
    expect(thresholdLines(verdict("budget", "exception: route chunk"), "bytes")).toEqual([]);
  });

  it("reads a Lighthouse assertion", () => {
    expect(thresholdLines(verdict("lhci", "maxNumericValue <= 2500"), "ms")[0]?.value).toBe(2500);
    expect(thresholdLines(verdict("lhci", "minScore >= 0.95"), "score")[0]?.value).toBe(0.95);
  });
});
