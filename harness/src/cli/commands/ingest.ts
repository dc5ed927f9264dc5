import { existsSync } from "node:fs";
import path from "node:path";
import { INGEST_FORMATS, type IngestFormat } from "../../adapters/ingest.ts";
import { findProjectConfig } from "../../config/load.ts";
import { commitRun } from "../../pipeline/commit-run.ts";
import { ingestFiles } from "../../pipeline/ingest.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const OPTIONS = {
  format: { type: "string" },
  id: { type: "string" },
  "reports-dir": { type: "string" },
} as const;

/** `perfgate ingest --format <f> FILE`: another tool's output as a committed run. */
export const ingestCommand: Command = {
  options: OPTIONS,
  help: {
    usage: `ingest --format ${INGEST_FORMATS.join("|")} FILE...`,
    flags: {
      format:
        "what wrote FILE: vitest bench --outputJson, tinybench tasks as JSON, mitata run({ format: 'json' }), benchmark.js cycle lines, k6 --summary-export, autocannon --json, Lighthouse result JSON (required)",
      id: "suite id (default: the file's base name)",
      "reports-dir": "where the run goes (default: the config's reportsDir, else reports)",
    },
    examples: [
      "perfgate ingest --format vitest-bench bench.json",
      "perfgate ingest --format benchmark.js --id parser bench-output.txt",
    ],
  },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("ingest", argv, OPTIONS);
    const format = values.format as IngestFormat | undefined;
    if (!format || !INGEST_FORMATS.includes(format)) {
      throw new HarnessError(
        "E_USAGE",
        format ? `ingest: --format "${format}" is not known` : "ingest: --format is required",
        { hint: `one of: ${INGEST_FORMATS.join(", ")}`, exitCode: EXIT.usage },
      );
    }
    if (positionals.length === 0) {
      throw new HarnessError("E_USAGE", "ingest: no FILE given", {
        hint: "perfgate ingest --format vitest-bench bench.json",
        exitCode: EXIT.usage,
      });
    }
    const config = (await findProjectConfig(io.cwd))?.config;
    const reportsDir = path.resolve(
      io.cwd,
      values["reports-dir"] ?? config?.reportsDir ?? "reports",
    );
    // Run ids have one-second resolution and runs are never rewritten: ingesting several
    // files one after another, each gets the next free second.
    let at = new Date();
    let record = await beginRunRecord(io.cwd, `ingest-${format}`, {}, io.env, () => at);
    while (existsSync(path.join(reportsDir, "runs", record.runId))) {
      at = new Date(at.getTime() + 1000);
      record = await beginRunRecord(io.cwd, `ingest-${format}`, {}, io.env, () => at);
    }
    const outcome = await ingestFiles(io.cwd, format, positionals, values.id);
    // Another tool's output may hold a URL's token: commitRun redacts before rendering report.md.
    const { run, dir } = await commitRun(record.finish(outcome), {
      reportsDir,
      save: true,
      redact: config?.redact,
    });
    io.out(
      `ingested ${outcome.suites.length} suite(s) (${outcome.suites.map((s) => s.id).join(", ")}) into ${path.relative(io.cwd, dir ?? reportsDir)}/run.json\n`,
    );
    return runExitCode(run);
  },
};
