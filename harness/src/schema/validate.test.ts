import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HarnessError } from "./errors.ts";
import { renderRunResultJsonSchema } from "./json-schema.ts";
import { parseRunResult } from "./validate.ts";

const fixture = path.join(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json");
const valid = () => JSON.parse(readFileSync(fixture, "utf8"));

function errorOf(fn: () => unknown): HarnessError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HarnessError) return error;
    throw error;
  }
  throw new Error("expected a HarnessError");
}

describe("parseRunResult", () => {
  it("round-trips a valid record unchanged", () => {
    const record = valid();
    const parsed = parseRunResult(record, "fixture");
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(record);
  });

  it("names every bad field at once, with the file", () => {
    const record = valid();
    record.suites[0].metrics[0].unit = "parsecs";
    record.env.cores = 0;
    delete record.git.sha;
    const error = errorOf(() => parseRunResult(record, "reports/runs/x/run.json"));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain("reports/runs/x/run.json");
    expect(error.message).toContain("suites[0].metrics[0].unit");
    expect(error.message).toContain("env.cores");
    expect(error.message).toContain("git.sha");
  });

  it("rejects unknown fields (strict records)", () => {
    const record = valid();
    record.suites[0].extra = true;
    expect(errorOf(() => parseRunResult(record, "f")).message).toMatch(/suites\[0\].*extra/);
  });

  it("rejects a metric with no data", () => {
    const record = valid();
    record.suites[0].metrics[1] = { id: "x", unit: "count", direction: "lower" };
    expect(errorOf(() => parseRunResult(record, "f")).message).toMatch(
      /suites\[0\]\.metrics\[1\]: a metric needs/,
    );
  });

  it("refuses another major version before checking fields", () => {
    const record = { ...valid(), schemaVersion: 2 };
    const error = errorOf(() => parseRunResult(record, "future.json"));
    expect(error.code).toBe("E_SCHEMA_VERSION");
    expect(error.message).toContain("future.json: schemaVersion 2 is not supported");
  });

  it("rejects non-finite numbers", () => {
    const record = valid();
    record.suites[0].metrics[1].value = Number.POSITIVE_INFINITY;
    expect(errorOf(() => parseRunResult(record, "f")).message).toContain(
      "suites[0].metrics[1].value",
    );
  });
});

describe("committed JSON Schema", () => {
  it("is up to date with the zod schema (run `npx perfgate schema export`)", () => {
    const committed = readFileSync(
      path.join(import.meta.dirname, "run-result.schema.json"),
      "utf8",
    );
    expect(committed).toBe(renderRunResultJsonSchema());
  });
});
