import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { INGEST_FORMATS, type IngestFormat, ingest } from "../../adapters/ingest.ts";
import { findConfigFile, loadConfig } from "../../config/load.ts";
import { writeRun } from "../../history/run-store.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { buildRunReport } from "../../report/index.ts";
import { EXIT, HarnessError, redactorFor } from "../../schema/index.ts";
import { hasFailingVerdict, judgeK6Thresholds } from "../../verdicts/thresholds.ts";
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
    const configFile = findConfigFile(io.cwd);
    const config = configFile ? (await loadConfig(configFile)).config : undefined;
    const reportsDir = path.resolve(
      io.cwd,
      values["reports-dir"] ?? config?.reportsDir ?? "reports",
    );
    const redact = config?.redact ?? [];
    // Run ids have one-second resolution and runs are never rewritten: ingesting several
    // files one after another, each gets the next free second.
    let at = new Date();
    let record = await beginRunRecord(io.cwd, `ingest-${format}`, {}, io.env, () => at);
    while (existsSync(path.join(reportsDir, "runs", record.runId))) {
      at = new Date(at.getTime() + 1000);
      record = await beginRunRecord(io.cwd, `ingest-${format}`, {}, io.env, () => at);
    }
    const outcome = { suites: [], verdicts: [], warnings: [] } as Required<
      Pick<ReturnType<typeof ingest>, "suites" | "verdicts" | "warnings">
    >;
    for (const file of positionals) {
      const text = await readFile(path.resolve(io.cwd, file), "utf8").catch((cause) => {
        throw new HarnessError(
          "E_READ",
          `ingest: ${file}: cannot read (${(cause as Error).message})`,
          {
            exitCode: EXIT.usage,
            cause,
          },
        );
      });
      const id =
        values.id ??
        path
          .basename(file)
          .replace(/\.(json|txt|log)$/, "")
          .replace(/[^\w.-]+/g, "-");
      const result = ingest({ format, text, id, source: file });
      outcome.suites.push(...result.suites);
      outcome.verdicts.push(
        ...result.verdicts,
        ...judgeK6Thresholds(result.suites[0]?.id ?? id, result.thresholds ?? []),
      );
      outcome.warnings.push(...result.warnings);
    }
    // Redacted before report.md is rendered from it (another tool's output may hold a URL's token).
    const run = redactorFor(redact).deep(record.finish(outcome));
    const dir = await writeRun(reportsDir, run, renderMarkdown(buildRunReport(run)), redact);
    await writeTrendPages(reportsDir, { redact });
    io.out(
      `ingested ${outcome.suites.length} suite(s) (${outcome.suites.map((s) => s.id).join(", ")}) into ${path.relative(io.cwd, dir)}/run.json\n`,
    );
    if (hasFailingVerdict(run.verdicts)) return EXIT.verdictFailed;
    return outcome.suites.some((s) => s.status === "errored") ? EXIT.toolFailed : EXIT.ok;
  },
};
