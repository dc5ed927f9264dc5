import { describe, expect, it } from "vitest";
import { evaluate, stepRuns } from "./workflow-expressions.ts";

const values = {
  "inputs.mode": "compare",
  "inputs.base": "",
  "inputs.comment": "direct",
  "inputs.github-token": "t0ken",
  "github.event.pull_request.base.sha": "abc123",
  "contains(github.event.pull_request.labels.*.name, 'perf-run')": "true",
};

describe("the workflow expression subset the test runner evaluates", () => {
  it("compares, negates and returns operands from && and ||, as GitHub does", () => {
    const state = { values, failed: false };
    expect(evaluate("inputs.mode == 'compare'", state)).toBe("true");
    expect(evaluate("!cancelled() && inputs.mode != 'compare'", state)).toBe("false");
    expect(evaluate("inputs.base || github.event.pull_request.base.sha", state)).toBe("abc123");
    expect(evaluate("inputs.comment == 'direct' && inputs.github-token || ''", state)).toBe(
      "t0ken",
    );
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'perf-run')", state)).toBe(
      "true",
    );
    expect(() => evaluate("inputs.nope == 'x'", state)).toThrow(/no value given for inputs.nope/);
  });

  it("after a failure runs only the steps that ask to", () => {
    const failed = { values, failed: true };
    expect(stepRuns(undefined, failed)).toBe(false);
    // GitHub's ${{ }}, not a template literal.
    const wrap = (expression: string) => ["$", "{{ ", expression, " }}"].join("");
    expect(stepRuns(wrap("!cancelled()"), failed)).toBe(true);
    expect(stepRuns(wrap("inputs.mode == 'compare'"), failed)).toBe(false);
    expect(stepRuns("inputs.mode == 'record'", { values, failed: false })).toBe(false);
  });
});
