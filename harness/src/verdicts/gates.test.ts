import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_GATES, parseGates, policyFor, updateCalibration } from "./gates.ts";

const committed = path.join(import.meta.dirname, "../../config/gates.json");

describe("gates config", () => {
  const config = parseGates(readFileSync(committed, "utf8"), committed);

  it("the built-in defaults (a project with no gates file) validate and match this repo's", () => {
    expect(parseGates(JSON.stringify(DEFAULT_GATES), "defaults")).toEqual(DEFAULT_GATES);
    expect(DEFAULT_GATES.defaults).toEqual(config.defaults);
    expect(DEFAULT_GATES.suites).toEqual(config.suites);
  });

  it("layers defaults, suite and metric entries", () => {
    expect(policyFor(config, {}, { suiteId: "microbench/lru", metricId: "get/app" })).toEqual({
      threshold: 0.05,
      alpha: 0.01,
      gate: true,
    });
    expect(
      policyFor(config, {}, { suiteId: "load/catalogue-read", metricId: "latency_p95" }),
    ).toMatchObject({ threshold: 0.1, gate: true });
    expect(
      policyFor(config, {}, { suiteId: "load/catalogue-read", metricId: "latency_p99" }),
    ).toMatchObject({ gate: false, reason: expect.stringMatching(/GC pauses/) });
  });

  it("reports third-party reference libraries without gating them (no confirmation rounds)", () => {
    for (const peer of ["lru-cache", "mnemonist", "quick-lru"]) {
      expect(
        policyFor(config, {}, { suiteId: "microbench/lru", metricId: `get-90-10/${peer}` }),
      ).toMatchObject({ gate: false, reason: expect.stringContaining("reference library") });
    }
    expect(
      policyFor(config, {}, { suiteId: "microbench/lru", metricId: "get-90-10/app" }),
    ).toMatchObject({ gate: true });
  });

  it("stops gating a metric whose A/A noise exceeds its threshold", () => {
    const calibration = { "load/x/requests_rate": { mdePct: 14.2, runs: 3, falseAlarms: 0 } };
    expect(
      policyFor(config, calibration, { suiteId: "load/x", metricId: "requests_rate" }),
    ).toMatchObject({
      gate: false,
      reason: "too noisy to gate: A/A MDE 14.2% > threshold 10% (3 calibration runs)",
    });
  });

  it("attaches an acceptance to its metric", () => {
    const withAcceptance = parseGates(
      JSON.stringify({
        defaults: { threshold: 0.05, alpha: 0.01 },
        accepted: [{ metric: "load/a/latency_p95", until: "2026-12-31", reason: "new feature" }],
      }),
      "gates.json",
    );
    expect(
      policyFor(withAcceptance, {}, { suiteId: "load/a", metricId: "latency_p95" }).accepted,
    ).toEqual({ until: "2026-12-31", reason: "new feature" });
  });

  it("names the file and every bad field", () => {
    expect(() =>
      parseGates(
        JSON.stringify({
          defaults: { threshold: -1, alpha: 2 },
          accepted: [{ metric: "x", until: "soon", reason: "" }],
        }),
        "harness/config/gates.json",
      ),
    ).toThrow(
      /harness\/config\/gates\.json: defaults\.threshold.*defaults\.alpha.*accepted\[0\]\.metric.*accepted\[0\]\.until/,
    );
    expect(() => parseGates("{", "g.json")).toThrow(/g\.json: not valid JSON/);
  });

  it("folds A/A results into running counts", () => {
    const once = updateCalibration({}, [{ key: "a/b", mdePct: 3, falseAlarm: false }]);
    const twice = updateCalibration(once, [{ key: "a/b", mdePct: 4, falseAlarm: true }]);
    expect(twice).toEqual({ "a/b": { mdePct: 4, runs: 2, falseAlarms: 1 } });
  });
});
