import type { HeadlineRow, RunReportModel, SuiteSection } from "../report/index.ts";
import { calibrationLines } from "./_calibration.ts";
import { fitColumns, TERMINAL_WIDTH } from "./_columns.ts";
import { formatDuration, formatValue } from "./_format.ts";
import {
  FAULT_HEADER,
  faultCells,
  faultNote,
  METRIC_HEADER,
  metricCells,
  overallLine,
  VERDICT_HEADER,
  verdictCells,
} from "./_table.ts";

export interface TerminalOptions {
  /** ANSI colour; the CLI decides from TTY, NO_COLOR and CI. */
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
type Paint = (style: keyof typeof CODES, text: string) => string;

function painter(color: boolean): Paint {
  return (style, text) => (color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}

function signed(pct: number | undefined): string {
  if (pct === undefined) return "—";
  const text = Math.abs(pct).toFixed(1);
  return `${pct < 0 && Number(text) !== 0 ? "−" : "+"}${text}%`;
}

function headlineCells(row: HeadlineRow, hasBaseline: boolean): string[] {
  const cells = [
    `${row.kind} ${row.id}`,
    formatValue(row.p95Ms, "ms"),
    row.rate === undefined ? "—" : formatValue(row.rate, row.rateUnit ?? "req/s"),
    row.errors ? formatValue(row.errors.value, row.errors.unit) : "—",
  ];
  if (hasBaseline) cells.push(signed(row.p95ChangePct), signed(row.rateChangePct));
  return cells;
}

/** `load: built-in engine · endpoint: 10 connections`: how the numbers were produced. */
function modeLine(rows: readonly HeadlineRow[]): string {
  const modes = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!row.mode) continue;
    const set = modes.get(row.kind) ?? new Set<string>();
    set.add(row.mode);
    modes.set(row.kind, set);
  }
  return [...modes].map(([kind, set]) => `${kind}: ${[...set].join(", ")}`).join(" · ");
}

/** Verdict, then per scenario p95 / throughput / errors and the change against main. */
function headline(model: RunReportModel, paint: Paint): string[] {
  const overall = overallLine(model);
  const out = [paint(model.overall === "pass" ? "green" : "red", paint("bold", overall))];
  // The verdict above is only as good as the machine was quiet: say so next to it.
  const loaded = model.warnings.filter((w) => w.code === "foreign-load").map((w) => w.where);
  if (loaded.length > 0)
    out.push(paint("yellow", `⚠ measured under foreign load: ${loaded.join(", ")} (see warnings)`));
  const { rows, baseline } = model.headline;
  if (rows.length === 0) return out;
  const header = ["scenario", "p95", "throughput", "errors"];
  if (baseline) header.push("Δ p95", "Δ throughput");
  out.push(
    "",
    ...fitColumns(
      [header, ...rows.map((r) => headlineCells(r, baseline !== undefined))],
      new Set([1, 2, 3, 4, 5]),
    ).map((line, i) => (i === 0 ? paint("dim", line) : line)),
  );
  const notes = [
    modeLine(rows),
    baseline
      ? `Δ against the last main run ${baseline.shortSha} (${baseline.runId})`
      : "no earlier main run of this profile to compare with",
  ].filter(Boolean);
  for (const note of notes) out.push(paint("dim", `  ${note}`));
  return out;
}

/** Word-wrap a line to the terminal width, continuation lines indented under the text. */
function wrap(text: string, indent = 2): string[] {
  const lines: string[] = [];
  let line = " ".repeat(indent);
  for (const word of text.split(" ")) {
    if (line.trim() && line.length + 1 + word.length > TERMINAL_WIDTH) {
      lines.push(line);
      line = " ".repeat(indent + 2);
    }
    line += line.trim() ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** Bundle tables lead with totals; per-chunk rows stay in report.md. */
function suiteLines(suite: SuiteSection, paint: Paint): string[] {
  const out: string[] = [];
  if (suite.faults) {
    // The verdict cell repeats the verdict table below: the terminal leaves it out to fit.
    const rows = [FAULT_HEADER, ...suite.faults.map(faultCells)].map((row) => row.slice(0, 8));
    rows[0] = rows[0]?.map((cell) => (cell === "peak error rate/s" ? "peak err/s" : cell)) ?? [];
    out.push(...fitColumns(rows, new Set([2, 3, 4, 5, 6, 7])));
    for (const row of suite.faults) out.push(paint("dim", `  ${faultNote(row)}`));
    return out;
  }
  const chunks = suite.kind === "bundle" ? suite.rows.filter((r) => r.id.startsWith("chunk.")) : [];
  const rows = suite.rows.filter((r) => !chunks.includes(r));
  if (rows.length > 0)
    out.push(...fitColumns([METRIC_HEADER, ...rows.map(metricCells)], new Set([1, 2, 3, 4, 5])));
  if (chunks.length > 0)
    out.push(paint("dim", `  + ${chunks.length} per-chunk sizes in report.md`));
  if (suite.calibration)
    out.push(...calibrationLines(suite.calibration).map((l) => paint("dim", `  ${l}`)));
  return out;
}

function verdictLines(model: RunReportModel, paint: Paint): string[] {
  // Skips are listed exceptions: their reasons are prose for report.md, not table cells.
  const shown = model.verdicts.filter((v) => v.status !== "skip");
  const skipped = model.verdicts.length - shown.length;
  const out = ["", paint("bold", "verdicts")];
  const lines = fitColumns([VERDICT_HEADER, ...shown.map(verdictCells)], new Set([4]), 2, [3, 2]);
  lines.forEach((line, i) => {
    const verdict = i === 0 ? undefined : shown[i - 1];
    const style =
      verdict === undefined
        ? "dim"
        : verdict.status === "pass"
          ? "green"
          : verdict.level === "error"
            ? "red"
            : "yellow";
    out.push(paint(style, line));
  });
  if (skipped > 0)
    out.push(paint("dim", `  ${skipped} skipped by a listed exception (reasons in report.md)`));
  return out;
}

/** The end-of-run summary printed by `perfgate load`: headline first, details after. */
export function renderTerminal(model: RunReportModel, options: TerminalOptions): string {
  const paint = painter(options.color);
  const out: string[] = [""];
  out.push(
    paint("bold", `perfgate ${model.runId}`) +
      paint(
        "dim",
        ` · ${model.git.shortSha}${model.git.dirty ? "+dirty" : ""} on ${model.git.ref} · ${model.profile} · ${formatDuration(model.durationSeconds)}`,
      ),
    "",
    ...headline(model, paint),
  );
  if (model.warnings.length > 0) {
    out.push("", paint("bold", "warnings"));
    for (const warning of model.warnings)
      for (const line of wrap(`⚠ ${warning.code} (${warning.where}): ${warning.message}`))
        out.push(paint("yellow", line));
  }
  out.push("", paint("dim", "── details ──"));
  for (const suite of model.suites) {
    const status = suite.status === "ok" ? paint("green", "ok") : paint("red", suite.status);
    out.push(
      "",
      `${paint("bold", `${suite.kind} ${suite.id}`)}  ${paint("dim", suite.tool)}  ${status}${suite.error ? ` ${suite.error}` : ""}`,
      ...suiteLines(suite, paint),
    );
  }
  if (model.verdicts.length > 0) out.push(...verdictLines(model, paint));
  out.push("", paint(model.overall === "pass" ? "green" : "red", overallLine(model)), "");
  return out.join("\n");
}
