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

describe("run report renderers", () => {
  const model = buildRunReport(fixture("report-run.json"));

  it("markdown matches its golden file", () => {
    expectGolden("render/run-report.md", renderMarkdown(model));
  });

  it("terminal text without colour matches its golden file", () => {
    expectGolden("render/run-report.terminal.txt", renderTerminal(model, { color: false }));
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
