import { describe, expect, it } from "vitest";
import { fixture } from "../../test/github-api-double.ts";
import type { Verdict } from "../schema/index.ts";
import { annotationLines, workflowCommand } from "./annotations.ts";

describe("workflowCommand", () => {
  it("escapes data and property values the way the runner decodes them", () => {
    expect(workflowCommand("error", "a: b, c", "100% slower\r\nsee: x, y")).toBe(
      "::error title=a%3A b%2C c::100%25 slower%0D%0Asee: x, y",
    );
  });
});

describe("annotationLines", () => {
  it("annotates every failing verdict and names the metrics that fail the check", () => {
    const verdicts = fixture<Verdict[]>("verdicts.json");
    expect(annotationLines(verdicts)).toEqual([
      "::error title=perfgate%3A load/browse/http_req_duration.p95 regressed::p95 latency +14.2%25 (95%25 CI +9.8%25..+18.9%25, MDE 4.1%25), confirmed in a second round",
      "::warning title=perfgate%3A lighthouse/home/largest-contentful-paint budget::LCP 2610 ms over the 2500 ms budget",
      "::error title=perfgate::1 failing metric(s): load/browse/http_req_duration.p95",
    ]);
  });

  it("says nothing when nothing fails", () => {
    const passing = fixture<Verdict[]>("verdicts.json").filter((v) => v.status === "pass");
    expect(annotationLines(passing)).toEqual([]);
  });
});
