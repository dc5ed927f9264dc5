import { describe, expect, it } from "vitest";
import { Registry, Sink } from "../../src/metrics.ts";
import { planScenarios, rampingArrivalStarts, rampingVusAt } from "../../src/options.ts";
import {
  rampingVusPlannedSteps,
  rampingVusRawSteps,
  type VuStep,
} from "../../src/ramping-vus-steps.ts";
import {
  aggregate,
  parseExpression,
  parseThresholds,
  thresholdPasses,
} from "../../src/thresholds.ts";

/**
 * Pure parts of the engine against k6's own rules and test vectors (reference §3.2, §3.4, §3.5;
 * k6 lib/executor/*_test.go, metrics/sink.go). The item numbers are those of §3.12.
 */

const seconds = (pairs: number[][]) =>
  pairs.map(([s, target]) => ({ durationMs: (s as number) * 1000, target: target as number }));
const asSeconds = (steps: VuStep[]) => steps.map((s) => `${s.tMs / 1000}:${s.vus}`).join(" ");

describe("§3.12 item 1: options shortcuts -> scenarios (execution_config_shortcuts.go)", () => {
  const only = (options: Record<string, unknown>) => {
    const { scenarios, errors } = planScenarios(options);
    expect(errors).toEqual([]);
    expect(scenarios).toHaveLength(1);
    return scenarios[0];
  };

  it("iterations (± vus, ± duration) -> shared-iterations; duration becomes maxDuration", () => {
    expect(only({ iterations: 7 })).toMatchObject({
      name: "default",
      executor: "shared-iterations",
      vus: 1,
      iterations: 7,
      maxDurationMs: 600_000,
    });
    expect(only({ iterations: 8, vus: 2, duration: "3s" })).toMatchObject({
      executor: "shared-iterations",
      vus: 2,
      iterations: 8,
      maxDurationMs: 3000,
    });
  });

  it("duration (± vus) -> constant-vus", () => {
    expect(only({ duration: "5s" })).toMatchObject({ executor: "constant-vus", vus: 1 });
    expect(only({ duration: "1m30s", vus: 4 })).toMatchObject({
      executor: "constant-vus",
      vus: 4,
      durationMs: 90_000,
    });
  });

  it("stages (± vus) -> ramping-vus with startVUs = vus (default 1)", () => {
    const stages = [{ duration: "2s", target: 3 }];
    expect(only({ stages })).toMatchObject({ executor: "ramping-vus", startVUs: 1, vus: 3 });
    expect(only({ stages, vus: 5 })).toMatchObject({ startVUs: 5, vus: 5 });
  });

  it("only vus -> k6's warning and 1 iteration in 1 VU; with scenarios, scenarios win", () => {
    expect(only({ vus: 3 })).toMatchObject({
      executor: "per-vu-iterations",
      vus: 1,
      iterations: 1,
    });
    expect(planScenarios({ vus: 3 }).warnings).toEqual([
      "the `vus=3` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`",
    ]);
    expect(planScenarios({ vus: 1 }).warnings).toEqual([]);
    expect(
      only({ vus: 3, scenarios: { s: { executor: "constant-vus", vus: 2, duration: "1s" } } }),
    ).toMatchObject({ name: "s", executor: "constant-vus", vus: 2 });
  });

  it("nothing, or explicitly empty stages/scenarios -> per-vu-iterations, 1 VU, 1 iteration", () => {
    // With an explicitly empty `scenarios`, k6 ignores `vus` too.
    for (const options of [{}, { stages: [] }, { scenarios: {} }, { vus: 3, scenarios: {} }]) {
      expect(only(options)).toMatchObject({
        executor: "per-vu-iterations",
        vus: 1,
        iterations: 1,
      });
    }
  });

  it("every conflicting pair is an error naming both options", () => {
    const stages = [{ duration: "1s", target: 1 }];
    const scenarios = { s: { executor: "constant-vus", vus: 1, duration: "1s" } };
    const cases: [Record<string, unknown>, string][] = [
      [{ iterations: 2, stages }, "(`iterations` and `stages`)"],
      [{ duration: "2s", stages }, "(`duration` and `stages`)"],
      [{ iterations: 2, scenarios }, "`iterations` cannot be combined with `scenarios`"],
      [{ duration: "2s", scenarios }, "`duration` cannot be combined with `scenarios`"],
      [{ stages, scenarios }, "`stages` cannot be combined with `scenarios`"],
      // Any `scenarios`, even empty, conflicts (k6: `opts.Scenarios != nil`).
      [{ iterations: 2, scenarios: {} }, "`iterations` cannot be combined with `scenarios`"],
    ];
    for (const [options, message] of cases) {
      expect(planScenarios(options).errors.join("\n"), JSON.stringify(options)).toContain(message);
    }
  });

  it("duration <= 0 is an error", () => {
    expect(planScenarios({ duration: "0s" }).errors.join("\n")).toContain("options.duration");
  });

  it("scenario names must match ^[0-9a-zA-Z_-]+$; externally-controlled is rejected (k6 v2)", () => {
    const { errors } = planScenarios({
      scenarios: {
        "bad name": { executor: "constant-vus", vus: 1, duration: "1s" },
        ext: { executor: "externally-controlled", vus: 1, duration: "10s" },
      },
    });
    expect(errors.join("\n")).toContain("scenario names may only use letters, digits, _ and -");
    expect(errors.join("\n")).toContain("externally-controlled was removed in k6 v2.0.0");
  });

  it("each executor's validation rules (§3.4) name the option", () => {
    const { errors } = planScenarios({
      scenarios: {
        si: { executor: "shared-iterations", vus: 5, iterations: 2, maxDuration: "500ms" },
        pv: { executor: "per-vu-iterations", vus: 0 },
        cv: { executor: "constant-vus", duration: "500ms" },
        rv: { executor: "ramping-vus", startVUs: 0, stages: [{ duration: "1s", target: 0 }] },
        ca: { executor: "constant-arrival-rate", rate: 0, duration: "1s", preAllocatedVUs: 1 },
        ra: { executor: "ramping-arrival-rate", preAllocatedVUs: 2, maxVUs: 1 },
      },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "scenarios.si.iterations: must be >= vus (5), got 2",
        'scenarios.si.maxDuration: must be at least 1s, got "500ms"',
        "scenarios.pv.vus: must be an integer >= 1, got 0",
        'scenarios.cv.duration: must be at least 1s, got "500ms"',
        "scenarios.rv.stages: startVUs or a stage target must be above 0",
        "scenarios.ca.rate: must be a number > 0, got 0",
        "scenarios.ra.maxVUs: must be >= preAllocatedVUs (2), got 1",
        "scenarios.ra.stages: needs at least one stage { duration, target }",
      ]),
    );
  });

  it("common options: startTime, gracefulStop (30s), exec (default), env, tags", () => {
    const plan = only({
      scenarios: {
        s: {
          executor: "constant-vus",
          duration: "2s",
          startTime: "1s",
          exec: "browse",
          env: { A: "1" },
          tags: { team: "x" },
        },
      },
    });
    expect(plan).toMatchObject({
      startTimeMs: 1000,
      gracefulStopMs: 30_000,
      exec: "browse",
      env: { A: "1" },
      tags: { team: "x" },
    });
  });
});

describe("§3.12 item 4: ramping-vus steps (k6 TestRampingVUsConfigExecutionPlanExample)", () => {
  const stages = seconds([
    [2, 6],
    [5, 1],
    [4, 5],
    [4, 1],
    [3, 4],
    [2, 4],
    [0, 1],
    [3, 1],
  ]);

  it("raw steps", () => {
    expect(asSeconds(rampingVusRawSteps(4, stages, true))).toBe(
      "0:4 1:5 2:6 3:5 4:4 5:3 6:2 7:1 8:2 9:3 10:4 11:5 12:4 13:3 14:2 15:1 16:2 17:3 18:4 20:1 23:0",
    );
  });

  it("the executor's active VU count follows the raw steps", () => {
    for (const step of rampingVusRawSteps(4, stages, true))
      expect(rampingVusAt(4, stages, step.tMs), `t=${step.tMs}`).toBe(step.vus);
  });

  it("planned VUs with gracefulStop and gracefulRampDown 30s (defaults)", () => {
    expect(asSeconds(rampingVusPlannedSteps(4, stages, 30_000, 30_000))).toBe(
      "0:4 1:5 2:6 33:5 42:4 50:1 53:0",
    );
  });

  it("gracefulStop 3s cuts the graceful ramp-downs short", () => {
    expect(asSeconds(rampingVusPlannedSteps(4, stages, 30_000, 3000))).toBe("0:4 1:5 2:6 26:0");
  });

  it("gracefulStop 0 and gracefulRampDown 0: the plan is the raw steps", () => {
    expect(rampingVusPlannedSteps(4, stages, 0, 0)).toEqual(rampingVusRawSteps(4, stages, true));
  });
});

describe("§3.12 item 6: ramping-arrival-rate start times (k6 TestRampingArrivalRateCal)", () => {
  it("startRate 0, stages [5s->1, 1s->1, 5s->0]", () => {
    const starts = rampingArrivalStarts(
      0,
      1000,
      seconds([
        [5, 1],
        [1, 1],
        [5, 0],
      ]),
    );
    // k6 compares time.Durations truncated to the millisecond.
    expect(starts.map((ms) => Math.floor(ms + 1e-6) / 1000)).toEqual([
      3.162, 4.472, 5.5, 6.527, 7.837, 11,
    ]);
  });

  it("the first start is at timeUnit/rate (not 0, unlike constant-arrival-rate)", () => {
    expect(rampingArrivalStarts(2, 1000, seconds([[2, 2]]))).toEqual([500, 1000, 1500, 2000]);
    // timeUnit scales the rate: 3 per minute for 1 minute.
    expect(rampingArrivalStarts(3, 60_000, seconds([[60, 3]]))).toEqual([20_000, 40_000, 60_000]);
  });

  it("fractional leftovers carry into the next stage; total = Σ D·(from+to)/2", () => {
    const starts = rampingArrivalStarts(
      0,
      1000,
      seconds([
        [3, 3],
        [1, 0],
      ]),
    );
    // 4.5 + 1.5 = 6 iterations; the 5th falls in the second stage.
    expect(starts).toHaveLength(6);
    expect(starts[4] as number).toBeGreaterThan(3000);
    // Rates above one iteration per 250 ms start (k6 PR #1285).
    expect(rampingArrivalStarts(0, 1000, seconds([[1, 100]]))).toHaveLength(50);
  });
});

describe("§3.12 item 7: thresholds (metrics/thresholds_parser.go, sink.go)", () => {
  it("expression grammar: operators in k6's scan order, whitespace optional, === as ==", () => {
    const table: [string, string, string, number][] = [
      ["p(95)<200", "p(95)", "<", 200],
      ["p(99.9) <= 1.5", "p(99.9)", "<=", 1.5],
      ["avg>=10", "avg", ">=", 10],
      ["rate > 0.9", "rate", ">", 0.9],
      ["count===5", "count", "==", 5],
      ["value==0", "value", "==", 0],
      ["med!=3", "med", "!=", 3],
    ];
    for (const [source, aggregation, operator, value] of table)
      expect(parseExpression(source), source).toMatchObject({ aggregation, operator, value });
    for (const bad of ["p95", "avg<", "<5", "avg<x"])
      expect(typeof parseExpression(bad), bad).toBe("string");
  });

  it("aggregations allowed per metric type; anything else is an error naming metric and index", () => {
    const registry = new Registry();
    const { errors, thresholds } = parseThresholds(
      {
        http_reqs: ["count>0", "rate>0", "avg<1"],
        vus: ["value>=0", "count>0"],
        checks: ["rate>0.5", "p(95)<1"],
        http_req_duration: ["avg<1", "min<1", "max<1", "med<1", "p(0)<1", "p(100)<1", "rate<1"],
        iteration_duration: ["p(101)<1"],
      },
      registry,
    );
    expect(thresholds).toHaveLength(10);
    expect(errors).toEqual([
      'thresholds["http_reqs"][2]: "avg" is not an aggregation of a counter metric',
      'thresholds["vus"][1]: "count" is not an aggregation of a gauge metric',
      'thresholds["checks"][1]: "p(95)" is not an aggregation of a rate metric',
      'thresholds["http_req_duration"][6]: "rate" is not an aggregation of a trend metric',
      'thresholds["iteration_duration"][0]: percentile must be between 0 and 100',
    ]);
  });

  it("percentiles interpolate as k6's TrendSink.P: v[⌊i⌋] + (v[⌈i⌉] − v[⌊i⌋])·(i − ⌊i⌋), i = p·(n−1)", () => {
    const sink = new Sink("trend");
    for (const v of [40, 10, 30, 20]) sink.add(v);
    expect(sink.percentile(95)).toBeCloseTo(38.5, 9);
    expect(sink.percentile(50)).toBeCloseTo(25, 9);
    expect(sink.percentile(90)).toBeCloseTo(37, 9);
    expect(sink.percentile(0)).toBe(10);
    expect(sink.percentile(100)).toBe(40);
    const one = new Sink("trend");
    one.add(7.25);
    expect(one.percentile(99)).toBe(7.25);
    expect(new Sink("trend").percentile(95)).toBe(0);
  });

  it("a threshold sits on the interpolated value: p(95)<39 passes on 10, 20, 30, 40", () => {
    const registry = new Registry();
    const { thresholds } = parseThresholds({ iteration_duration: ["p(95)<39"] }, registry);
    for (const v of [10, 20, 30, 40]) registry.add("iteration_duration", v, {});
    expect(thresholdPasses(thresholds[0] as never, registry, 1)).toBe(true);
  });

  it("empty sinks at the end: trend aggregates 0, counter 0, gauge 0, a rate passes", () => {
    const registry = new Registry();
    const { thresholds } = parseThresholds(
      {
        http_req_duration: ["p(95)<200", "min>0", "avg==0"],
        http_reqs: ["count==0", "rate==0", "count>0"],
        vus: ["value==0"],
        checks: ["rate>=0.9", "rate<0.1"],
      },
      registry,
    );
    expect(thresholds.map((t) => thresholdPasses(t, registry, 10))).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
      true,
      true,
      true,
    ]);
  });

  it("counter rate is per second of test run time", () => {
    const sink = new Sink("counter");
    for (let i = 0; i < 30; i += 1) sink.add(1);
    expect(aggregate(sink, "count", 3)).toBe(30);
    expect(aggregate(sink, "rate", 3)).toBe(10);
  });

  it("threshold options: abortOnFail and delayAbortEval parsed; a bad delay names the field", () => {
    const registry = new Registry();
    const { thresholds, errors } = parseThresholds(
      {
        http_req_failed: [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: "10s" }],
        http_req_duration: [{ threshold: "p(95)<1", delayAbortEval: "soon" }],
      },
      registry,
    );
    expect(thresholds[0]).toMatchObject({ abortOnFail: true, delayAbortEvalMs: 10_000 });
    expect(errors).toEqual([
      'thresholds["http_req_duration"][0].delayAbortEval: "soon" is not a duration',
    ]);
  });
});
