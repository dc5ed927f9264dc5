import { describe, expect, it } from "vitest";
import { Registry } from "./metrics.ts";
import { aggregate, parseExpression, parseThresholds, thresholdPasses } from "./thresholds.ts";

function first<T>(items: readonly (T | undefined)[]): T {
  const item = items[0];
  if (item === undefined) throw new Error("expected an item");
  return item;
}

describe("threshold expressions", () => {
  it("parses k6's grammar, whitespace optional, === as ==", () => {
    expect(parseExpression("p(95) < 200")).toMatchObject({
      aggregation: "p(95)",
      operator: "<",
      value: 200,
    });
    expect(parseExpression("rate<=0.01")).toMatchObject({
      aggregation: "rate",
      operator: "<=",
      value: 0.01,
    });
    expect(parseExpression("count===5")).toMatchObject({ operator: "==", value: 5 });
    expect(parseExpression("avg<abc")).toMatch(/right-hand side must be a number/);
    expect(parseExpression("p95")).toMatch(/expected <aggregation> <operator> <number>/);
  });

  it("reports every bad threshold at once, naming metric and index", () => {
    const registry = new Registry();
    const { errors } = parseThresholds(
      {
        http_req_duration: ["p(95)<200", "rate<1"],
        nope: ["count>1"],
        checks: ["rate>0.9", { threshold: "x" }],
        "http_reqs{": ["count>1"],
      },
      registry,
    );
    expect(errors).toEqual([
      'thresholds["http_req_duration"][1]: "rate" is not an aggregation of a trend metric',
      'thresholds["nope"]: no metric named "nope" (define it with k6/metrics or fix the name)',
      'thresholds["checks"][1]: "x": expected <aggregation> <operator> <number>, e.g. p(95)<200',
      'thresholds["http_reqs{"]: malformed metric name (expected name or name{tag:value})',
    ]);
  });

  it("evaluates tagged sub-metrics on matching samples only", () => {
    const registry = new Registry();
    const { thresholds } = parseThresholds(
      { "http_req_duration{scenario:a}": ["max<100"] },
      registry,
    );
    registry.add("http_req_duration", 500, { scenario: "b" });
    registry.add("http_req_duration", 50, { scenario: "a" });
    expect(thresholdPasses(first(thresholds), registry, 1)).toBe(true);
    registry.add("http_req_duration", 150, { scenario: "a" });
    expect(thresholdPasses(first(thresholds), registry, 1)).toBe(false);
  });

  it("applies k6's empty-sink rules: trends are 0, a rate with no samples passes", () => {
    const registry = new Registry();
    const { thresholds } = parseThresholds(
      { http_req_duration: ["p(95)<200", "min>0"], checks: ["rate>=0.9"] },
      registry,
    );
    expect(thresholds.map((t) => thresholdPasses(t, registry, 1))).toEqual([true, false, true]);
  });

  it("computes counter rate per second of test time and trend aggregates", () => {
    const registry = new Registry();
    for (let i = 0; i < 4; i += 1) registry.add("http_reqs", 1, {});
    for (const v of [10, 20, 30, 40]) registry.add("iteration_duration", v, {});
    const reqs = first([registry.sinkOf("http_reqs")]).sink;
    const trend = first([registry.sinkOf("iteration_duration")]).sink;
    expect(aggregate(reqs, "rate", 2)).toBe(2);
    expect(aggregate(reqs, "count", 2)).toBe(4);
    expect(aggregate(trend, "avg", 2)).toBe(25);
    expect(aggregate(trend, "max", 2)).toBe(40);
    // k6 interpolates: p(50) of 10, 20, 30, 40 is 25.
    expect(aggregate(trend, "med", 2)).toBe(25);
  });

  it("a counter's count is the sum of its values, not its number of samples (k6's CounterSink)", () => {
    const registry = new Registry();
    registry.define("hits", "counter", false);
    for (let i = 0; i < 3; i += 1) registry.add("hits", 2, {});
    const hits = first([registry.sinkOf("hits")]).sink;
    expect(aggregate(hits, "count", 1)).toBe(6);
    expect(aggregate(hits, "rate", 2)).toBe(3);
  });
});
