import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { parseRunResult } from "../schema/index.ts";
import { INGEST_FORMATS, type IngestFormat, ingest } from "./ingest.ts";

const FIXTURES = path.join(import.meta.dirname, "../../test/fixtures");
/** One real output of each format (see test/fixtures/ingest/README.md). */
const INGEST_FIXTURES: Record<IngestFormat, string> = {
  "vitest-bench": "ingest/vitest-bench.json",
  tinybench: "ingest/tinybench.json",
  mitata: "ingest/mitata.json",
  "benchmark.js": "ingest/benchmark.txt",
  "k6-summary": "raw/k6/summary-export.json",
  autocannon: "ingest/autocannon.json",
  lhci: "raw/lighthouse/lhrs-trimmed.json",
};

const MINIMAL_RUN = JSON.parse(readFileSync(path.join(FIXTURES, "runs/minimal-run.json"), "utf8"));

function run(
  format: IngestFormat,
  text = readFileSync(path.join(FIXTURES, INGEST_FIXTURES[format]), "utf8"),
) {
  return ingest({ format, text, id: "strings", source: INGEST_FIXTURES[format] });
}

describe("ingest adapters on real captures", () => {
  for (const format of INGEST_FORMATS) {
    it(`${format}: matches its golden suites, which a run record accepts`, () => {
      const result = run(format);
      expectGolden(`adapters/ingest-${format}.json`, `${JSON.stringify(result, null, 2)}\n`);
      expect(() =>
        parseRunResult(
          {
            ...MINIMAL_RUN,
            suites: result.suites,
            verdicts: result.verdicts,
            warnings: result.warnings,
          },
          format,
        ),
      ).not.toThrow();
    });
  }

  it("reads both benchmark cases of each microbench tool, faster one first where the tool says so", () => {
    for (const format of ["vitest-bench", "tinybench", "mitata", "benchmark.js"] as const) {
      const ids = run(format).suites[0]?.metrics.map((m) => m.id) ?? [];
      expect(
        ids.some((id) => id.endsWith("concat")),
        format,
      ).toBe(true);
      expect(
        ids.some((id) => id.endsWith("array-join")),
        format,
      ).toBe(true);
    }
  });

  it("names the file and the field when the output is not the format's", () => {
    expect(() => run("vitest-bench", "{}")).toThrow(
      /ingest\/vitest-bench\.json: not vitest-bench output\n {2}files/,
    );
    expect(() => run("benchmark.js", "nothing here")).toThrow(/no benchmark results/);
    expect(() => run("mitata", "not json")).toThrow(/not JSON/);
  });

  it("an autocannon run of mostly non-2xx answers is errored, naming the URL", () => {
    const data = JSON.parse(readFileSync(path.join(FIXTURES, INGEST_FIXTURES.autocannon), "utf8"));
    data.non2xx = data.requests.total;
    const suite = run("autocannon", JSON.stringify(data)).suites[0];
    expect(suite?.status).toBe("errored");
    expect(suite?.error).toContain("http://127.0.0.1:18766/");
  });
});
