import { describe, expect, it } from "vitest";
import { formatSummaryLine, parseSummaryLine } from "./summary-line.ts";

describe("summary line", () => {
  const line = formatSummaryLine({
    instanceId: "2",
    testrunName: "tr",
    exitCode: 0,
    summary: { metrics: { iterations: { count: 3, rate: 1 } } },
    histograms: {},
  });

  it("is found as the last summary line of a log, after k6's text summary", () => {
    const log = `\n     iterations.....: 3\n${line}\n`;
    expect(parseSummaryLine(log)).toMatchObject({
      instanceId: "2",
      testrunName: "tr",
      exitCode: 0,
    });
    expect(line).not.toContain("\n");
  });

  it("is absent from a stock k6 log, and a line merely naming the marker is not one", () => {
    expect(parseSummaryLine("     iterations.....: 3\n")).toBeUndefined();
    expect(parseSummaryLine('{"kind":"perfgate.runner-summary/v1"}\n{"broken"')).toBeUndefined();
  });
});
