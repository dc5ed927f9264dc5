import type { RunReportModel } from "../report/index.ts";
import { formatDuration } from "./_format.ts";
import {
  FAULT_HEADER,
  faultCells,
  faultNote,
  METRIC_HEADER,
  metricCells,
  OVERALL_TEXT,
  VERDICT_HEADER,
  verdictCells,
} from "./_table.ts";

export interface TerminalOptions {
  /** ANSI colour; the CLI decides from TTY, NO_COLOR and CI. */
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

function painter(color: boolean) {
  return (style: keyof typeof CODES, text: string) =>
    color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

function columns(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths =
    rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) =>
        rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

/** The end-of-run summary printed by `perfgate load`. Colour only when asked. */
export function renderTerminal(model: RunReportModel, options: TerminalOptions): string {
  const paint = painter(options.color);
  const out: string[] = [];
  out.push("");
  out.push(
    paint("bold", `perfgate ${model.runId}`) +
      paint(
        "dim",
        ` · ${model.git.shortSha}${model.git.dirty ? "+dirty" : ""} on ${model.git.ref} · ${model.profile} · ${formatDuration(model.durationSeconds)}`,
      ),
  );
  for (const suite of model.suites) {
    out.push("");
    const status = suite.status === "ok" ? paint("green", "ok") : paint("red", suite.status);
    out.push(
      `${paint("bold", `${suite.kind} ${suite.id}`)}  ${paint("dim", suite.tool)}  ${status}${suite.error ? ` ${suite.error}` : ""}`,
    );
    if (suite.faults) {
      const rows = [FAULT_HEADER, ...suite.faults.map(faultCells)];
      for (const line of columns(rows, new Set([2, 3, 4, 5, 6, 7]))) out.push(`  ${line}`);
      for (const row of suite.faults) out.push(paint("dim", `  ${faultNote(row)}`));
    } else if (suite.rows.length > 0) {
      for (const line of columns(
        [METRIC_HEADER, ...suite.rows.map(metricCells)],
        new Set([1, 2, 3, 4, 5]),
      )) {
        out.push(`  ${line}`);
      }
    }
  }
  if (model.verdicts.length > 0) {
    out.push("", paint("bold", "verdicts"));
    const lines = columns([VERDICT_HEADER, ...model.verdicts.map(verdictCells)], new Set([4]));
    lines.forEach((line, i) => {
      const verdict = i === 0 ? undefined : model.verdicts[i - 1];
      const style =
        verdict === undefined
          ? "dim"
          : verdict.status === "pass"
            ? "green"
            : verdict.status === "fail"
              ? "red"
              : "yellow";
      out.push(`  ${paint(style, line)}`);
    });
  }
  if (model.warnings.length > 0) {
    out.push("", paint("bold", "warnings"));
    for (const warning of model.warnings)
      out.push(paint("yellow", `  ⚠ ${warning.code} (${warning.where}): ${warning.message}`));
  }
  out.push("", paint(model.overall === "pass" ? "green" : "red", OVERALL_TEXT[model.overall]), "");
  return out.join("\n");
}
