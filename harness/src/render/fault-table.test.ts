import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { buildRunReport } from "../report/index.ts";
import { parseRunResult } from "../schema/index.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTerminal } from "./terminal.ts";

// A real faults-profile run on a busy 2-core machine (environment replaced by the test one):
// the app took 36 s to restart, too late to recover inside the load.
const run = parseRunResult(
  JSON.parse(
    readFileSync(
      path.join(import.meta.dirname, "../../test/fixtures/runs/faults-run.json"),
      "utf8",
    ),
  ),
  "faults-run.json",
);
const model = buildRunReport(run);

describe("fault table", () => {
  it("has one row per fault, in injection order, with its recovery verdict and facts", () => {
    const rows = model.suites.find((s) => s.kind === "faults")?.faults ?? [];
    expect(rows.map((r) => [r.id, r.step, r.recoverySeconds, r.verdict?.status])).toEqual([
      ["redis-kill", "ok", 3, "pass"],
      ["worker-crash", "ok", 2, "pass"],
      ["slow-db", "ok", 7, "pass"],
      ["app-restart", "ok", undefined, "fail"],
    ]);
    expect(rows[3]).toMatchObject({ errors: 963, requests: 1098, peakErrorRate: 1 });
    expect(rows[3]?.facts).toContainEqual(["sameUrl", "true"]);
  });

  it("markdown matches its golden file", () => {
    const markdown = renderMarkdown(model);
    expect(markdown).toContain("| app-restart | ok | 1098 | 963 | 87.70% | 100.00% |");
    expect(markdown).not.toContain("app-restart.errors ↓");
    expectGolden("render/faults-report.md", markdown);
  });

  it("terminal text matches its golden file", () => {
    expectGolden("render/faults-report.terminal.txt", renderTerminal(model, { color: false }));
  });

  it("marks a fault whose step failed, with its reason", () => {
    const failed = structuredClone(run);
    const suite = failed.suites.find((s) => s.kind === "faults");
    if (!suite?.meta) throw new Error("fixture has no faults meta");
    suite.meta["redis-kill.step"] = "failed";
    suite.meta["redis-kill.message"] = "redis-server did not restart: port taken";
    const text = renderTerminal(buildRunReport(failed), { color: false });
    expect(text).toMatch(/redis-kill {4}FAILED/);
    expect(text).toContain("— redis-server did not restart: port taken");
  });
});
