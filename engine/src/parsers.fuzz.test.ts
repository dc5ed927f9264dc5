import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";
import { Registry } from "./metrics.ts";
import { planScenarios } from "./options.ts";
import { parseExpression, parseThresholds } from "./thresholds.ts";

/** Bad input never crashes the option and threshold parsers, and every rejection names where. */
describe("engine parsers under arbitrary input", () => {
  it("planScenarios returns plans or messages that name an option, never throws", () => {
    const scenario = fc.record(
      {
        executor: fc.oneof(
          fc.constantFrom(
            "constant-vus",
            "shared-iterations",
            "per-vu-iterations",
            "ramping-vus",
            "constant-arrival-rate",
            "ramping-arrival-rate",
            "externally-controlled",
          ),
          fc.string(),
        ),
        vus: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string(), fc.double()),
        duration: fc.oneof(
          fc.constantFrom("10s", "1m30s", "0s", "-1s", "500ms"),
          fc.string(),
          fc.integer(),
        ),
        iterations: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string()),
        rate: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.string()),
        stages: fc.oneof(
          fc.array(fc.record({ duration: fc.string(), target: fc.integer({ min: -2, max: 20 }) })),
          fc.string(),
        ),
        preAllocatedVUs: fc.integer({ min: -2, max: 20 }),
        bogus: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            vus: fc.anything(),
            duration: fc.anything(),
            iterations: fc.anything(),
            scenarios: fc.dictionary(fc.string(), scenario, { maxKeys: 3 }),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          const { scenarios, errors } = planScenarios(options as Record<string, unknown>);
          for (const error of errors)
            expect(error).toMatch(/^(options|scenarios(\.[\w-]+|\[".*"\]))(\.[\w[\]]+)*: /s);
          if (errors.length === 0) for (const plan of scenarios) expect(plan.executor).toBeTruthy();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("parseThresholds reports every bad entry with its metric and index, never throws", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom("http_req_duration", "checks", "http_reqs{scenario:a}", "nope"),
            fc.string(),
          ),
          fc.oneof(fc.array(fc.oneof(fc.string(), fc.anything())), fc.anything()),
        ),
        (raw) => {
          const { errors } = parseThresholds(raw, new Registry());
          for (const error of errors)
            expect(error).toMatch(/^thresholds(\[".*"\](\[\d+\])?(\.delayAbortEval)?)?: /s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("expressions and durations parse or explain, never throw", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseExpression(text);
        // A rejection quotes the expression it could not read.
        if (typeof parsed === "string") expect(parsed.startsWith(`"${text}": `)).toBe(true);
        else expect(Number.isFinite(parsed.value)).toBe(true);
        const ms = parseDuration(text);
        if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
