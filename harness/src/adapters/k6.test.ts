import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { judgeK6Thresholds } from "../verdicts/thresholds.ts";
import { normalizeK6Summary } from "./k6.ts";

const raw = (name: string) =>
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, "../../test/fixtures/raw/k6", name), "utf8"),
  );

const tool = { name: "k6", version: "0.48.0" };

describe("normalizeK6Summary on real k6 v0.48.0 exports", () => {
  it("matches the golden normalized suite", () => {
    const normalized = normalizeK6Summary({
      scenario: "script",
      summaryExport: raw("summary-export.json"),
      tool,
      source: "f",
    });
    expectGolden("adapters/k6-summary-export.json", `${JSON.stringify(normalized, null, 2)}\n`);
  });

  it("keeps k6's latency figures and request rate", () => {
    const { suite } = normalizeK6Summary({
      scenario: "script",
      summaryExport: raw("summary-export.json"),
      tool,
      source: "f",
    });
    const duration = suite.metrics.find((m) => m.id === "http_req_duration");
    expect(duration?.unit).toBe("ms");
    expect(duration?.summary?.median).toBeGreaterThan(0);
    expect(suite.metrics.find((m) => m.id === "http_reqs_rate")?.unit).toBe("req/s");
    // All-zero trends (TLS on plain HTTP) carry no information and are left out.
    expect(suite.metrics.some((m) => m.id === "http_req_tls_handshaking")).toBe(false);
  });

  it("turns a failed threshold into a failing error-level verdict", () => {
    const { thresholds } = normalizeK6Summary({
      scenario: "script",
      summaryExport: raw("summary-export-fail.json"),
      tool,
      source: "f",
    });
    const verdicts = judgeK6Thresholds("script", thresholds);
    const failed = verdicts.filter((v) => v.status === "fail");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ source: "k6-threshold", level: "error" });
    expect(failed[0]?.message).toMatch(/failed/);
  });

  it("names the file and field when the input is not a summary export", () => {
    expect(() =>
      normalizeK6Summary({
        scenario: "s",
        summaryExport: { metrics: 3 },
        tool,
        source: "raw/k6/s/summary-export.json",
      }),
    ).toThrow(/raw\/k6\/s\/summary-export.json: not a k6 summary export\n {2}metrics:/);
  });
});
