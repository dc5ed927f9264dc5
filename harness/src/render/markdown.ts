import type { RunReportModel } from "../report/index.ts";
import { calibrationLines } from "./_calibration.ts";
import { formatDuration, formatValue } from "./_format.ts";
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

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(header: string[], rows: string[][], align: ("l" | "r")[]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  const divider = `|${align.map((a) => (a === "r" ? "---:" : "---")).join("|")}|`;
  return [line(header), divider, ...rows.map(line)].join("\n");
}

function signed(pct: number | undefined): string {
  if (pct === undefined) return "—";
  return `${pct < 0 ? "−" : "+"}${Math.abs(pct).toFixed(1)}%`;
}

/** Load scenarios and endpoints first: p95, throughput, errors and the change against main. */
function headlineTable(model: RunReportModel): string[] {
  const { rows, baseline } = model.headline;
  if (rows.length === 0) return [];
  const header = ["scenario", "p95", "throughput", "errors"];
  if (baseline) header.push(`Δ p95 vs ${baseline.shortSha}`, "Δ throughput");
  const cells = rows.map((row) => {
    const line = [
      `${row.kind} ${row.id}${row.mode ? ` (${row.mode})` : ""}`,
      formatValue(row.p95Ms, "ms"),
      row.rate === undefined ? "—" : formatValue(row.rate, row.rateUnit ?? "req/s"),
      row.errors ? formatValue(row.errors.value, row.errors.unit) : "—",
    ];
    if (baseline) line.push(signed(row.p95ChangePct), signed(row.rateChangePct));
    return line;
  });
  const align = header.map((_, i) => (i === 0 ? "l" : "r")) as ("l" | "r")[];
  return [table(header, cells, align), ""];
}

/** The run report as GitHub-flavoured markdown: `reports/runs/<runId>/report.md`. */
export function renderMarkdown(model: RunReportModel): string {
  const out: string[] = [];
  out.push(`# perfgate run ${model.runId}`, "");
  out.push(`**${OVERALL_TEXT[model.overall]}**`, "");
  out.push(
    `commit \`${model.git.shortSha}\` on \`${model.git.ref}\`${model.git.dirty ? " (uncommitted changes)" : ""} · profile \`${model.profile}\` · started ${model.startedAt} · ${formatDuration(model.durationSeconds)}`,
    "",
  );
  out.push(...headlineTable(model));
  if (model.warnings.length > 0) {
    out.push("## Warnings", "");
    for (const warning of model.warnings)
      out.push(`- ⚠ \`${warning.code}\` (${warning.where}): ${warning.message}`);
    out.push("");
  }
  if (model.verdicts.length > 0) {
    out.push("## Verdicts", "");
    out.push(
      table(VERDICT_HEADER, model.verdicts.map(verdictCells), ["l", "l", "l", "l", "r", "l"]),
      "",
    );
    // A memory verdict's message is its evidence (slope interval, growing constructors, the
    // generator's RSS span): too long for a cell, the reason a reader opens the report.
    const explained = model.verdicts.filter((v) => v.source === "memory" && v.message);
    for (const verdict of explained)
      out.push(`- **${verdict.suite} · ${verdict.metric}**: ${verdict.message}`);
    if (explained.length > 0) out.push("");
  }
  for (const suite of model.suites) {
    out.push(`## ${suite.kind} · ${suite.id}`, "");
    out.push(`${suite.tool} · ${suite.status}${suite.error ? `: ${suite.error}` : ""}`, "");
    if (suite.faults) {
      out.push(
        table(FAULT_HEADER, suite.faults.map(faultCells), [
          "l",
          "l",
          "r",
          "r",
          "r",
          "r",
          "r",
          "r",
          "l",
        ]),
        "",
        ...suite.faults.map((row) => `- ${faultNote(row)}`),
        "",
      );
    } else if (suite.rows.length > 0) {
      out.push(
        table(METRIC_HEADER, suite.rows.map(metricCells), ["l", "r", "r", "r", "r", "r"]),
        "",
      );
    }
    if (suite.calibration)
      out.push(...calibrationLines(suite.calibration).map((l) => `- ${l}`), "");
  }
  out.push("## Environment", "");
  out.push(table(["", ""], model.environment, ["l", "l"]), "");
  out.push("↓ lower is better · ↑ higher is better", "");
  return out.join("\n");
}
