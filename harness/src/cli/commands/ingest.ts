import path from "node:path";
import { INGEST_FORMATS } from "../../adapters/ingest.ts";
import { projectReports } from "../../config/load.ts";
import { commitRun } from "../../pipeline/commit-run.ts";
import { ingestFiles } from "../../pipeline/ingest.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { choice, parseFlags, reportsDirFlag, required, text, usageError } from "../flags.ts";

const OPTIONS = {
  format: required(
    choice(
      "what wrote FILE: vitest bench --outputJson, tinybench tasks as JSON, mitata run({ format: 'json' }), benchmark.js cycle lines, k6 --summary-export, autocannon --json, Lighthouse result JSON",
      INGEST_FORMATS,
    ),
    "vitest-bench",
  ),
  id: text("suite id (default: the file's base name)"),
  "reports-dir": reportsDirFlag("where the run goes"),
};

/** `perfgate ingest --format <f> FILE`: another tool's output as a committed run. */
export const ingestCommand: Command = {
  options: OPTIONS,
  help: {
    usage: `ingest --format ${INGEST_FORMATS.join("|")} FILE...`,
    examples: [
      "perfgate ingest --format vitest-bench bench.json",
      "perfgate ingest --format benchmark.js --id parser bench-output.txt",
    ],
  },
  async run(argv, io) {
    const { values, positionals } = parseFlags("ingest", argv, OPTIONS);
    const { format } = values;
    if (positionals.length === 0) {
      throw usageError("ingest: no FILE given", "perfgate ingest --format vitest-bench bench.json");
    }
    const { reportsDir, redact } = await projectReports(io.cwd, values["reports-dir"]);
    const record = await beginRunRecord(io.cwd, `ingest-${format}`, {}, io.env);
    const outcome = await ingestFiles(io.cwd, format, positionals, values.id);
    // Another tool's output may hold a URL's token: commitRun redacts before rendering report.md.
    const { run, dir } = await commitRun(record.finish(outcome), {
      reportsDir,
      save: true,
      redact,
    });
    io.out(
      `ingested ${outcome.suites.length} suite(s) (${outcome.suites.map((s) => s.id).join(", ")}) into ${path.relative(io.cwd, dir ?? reportsDir)}/run.json\n`,
    );
    return runExitCode(run);
  },
};
