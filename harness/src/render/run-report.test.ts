import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { buildRunReport } from "../report/index.ts";
import { parseRunResult } from "../schema/index.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTerminal } from "./terminal.ts";

const fixture = (name: string) =>
  parseRunResult(
    JSON.parse(
      readFileSync(path.join(import.meta.dirname, "../../test/fixtures/runs", name), "utf8"),
    ),
    name,
  );

const committed = (runId: string) =>
  parseRunResult(
    JSON.parse(
      readFileSync(
        path.join(import.meta.dirname, "../../../reports/runs", runId, "run.json"),
        "utf8",
      ),
    ),
    runId,
  );

/** The fixture as an earlier main run with a slower smoke p95 and lower endpoint throughput. */
function earlierMainRun() {
  const run = fixture("report-run.json");
  run.runId = "20261124T030000Z_abc1234";
  for (const suite of run.suites)
    for (const metric of suite.metrics) {
      if (metric.summary && metric.id === "http_req_duration") metric.summary.p95 = 1.0;
      if (metric.id === "requests_rate" && metric.value) metric.value = 16_000;
    }
  return run;
}

describe("run report renderers", () => {
  const model = buildRunReport(fixture("report-run.json"), { baseline: earlierMainRun() });

  it("markdown matches its golden file", () => {
    expectGolden("render/run-report.md", renderMarkdown(model));
  });

  it("terminal text without colour matches its golden file", () => {
    expectGolden("render/run-report.terminal.txt", renderTerminal(model, { color: false }));
  });

  it("leads with the verdict and the per-scenario headline, details after", () => {
    const text = renderTerminal(model, { color: false });
    const lines = text.split("\n");
    expect(lines[3]).toBe("FAIL with 1 warning: an error-level verdict failed");
    expect(text.indexOf("load smoke ")).toBeLessThan(text.indexOf("── details ──"));
    expect(text).toMatch(/load smoke .* 1\.100 ms +813 req\/s +1\.88% +\+10\.0% /);
    expect(text).toContain("endpoint products-list");
    expect(text).toMatch(/−4\.9%/);
  });

  it("puts units on every actual value and fits 100 columns (a committed run with bundle and Lighthouse)", () => {
    const run = committed("20261125T074800Z_dfda705");
    const earlier = committed("20261125T040023Z_8a0c184");
    const text = renderTerminal(buildRunReport(run, { baseline: earlier }), { color: false });
    expectGolden("render/run-report-committed.terminal.txt", text);
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(text).toContain("PASS with 3 warnings");
    expect(text).toContain("10 skipped by a listed exception");
    expect(text).not.toContain("exception: route chunk");
    expect(text).toMatch(/initial_js\.gzip +<= 100\.0 KB +3\.0 KiB/);
    // Load numbers come before any bundle row.
    expect(text.indexOf("load smoke")).toBeLessThan(text.indexOf("bundle web"));
  });

  it("colours only when asked", () => {
    expect(renderTerminal(model, { color: false })).not.toContain("\u001b[");
    expect(renderTerminal(model, { color: true })).toContain("\u001b[31m");
  });

  it("says FAIL when an error-level verdict failed and shows every warning", () => {
    expect(model.overall).toBe("fail");
    const markdown = renderMarkdown(model);
    expect(markdown).toContain("**FAIL");
    expect(markdown).toContain("`http-errors` (smoke / http_req_failed)");
    expect(markdown).toContain("spike: engine exited 107");
  });

  it("says PASS for a clean run", () => {
    const clean = buildRunReport(fixture("minimal-run.json"));
    expect(clean.overall).toBe("pass");
    expect(renderMarkdown(clean)).toContain("**PASS");
  });
});

describe("memory verdicts in markdown", () => {
  it("spell out their evidence under the verdict table", () => {
    const run = fixture("report-run.json");
    run.verdicts.push({
      suite: "memory",
      metric: "heap_slope",
      source: "memory",
      level: "error",
      status: "fail",
      label: "leak-suspected",
      rule: "heap_slope > 1 MB/min and its interval above 0",
      actual: 12.59,
      message:
        "leak suspected: retained memory grows 12.59 MB/min (95% CI 12.54 to 12.65); growing most between heap snapshots: JSArrayBufferData +28.1 MB (+14 objects)",
    });
    const markdown = renderMarkdown(buildRunReport(run));
    expect(markdown).toContain(
      "- **memory · heap_slope**: leak suspected: retained memory grows 12.59 MB/min (95% CI 12.54 to 12.65); growing most between heap snapshots: JSArrayBufferData +28.1 MB",
    );
  });
});
