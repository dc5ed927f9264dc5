import type { BenchRow } from "../adapters/microbench.ts";

function rate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e8 ? 0 : 1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** The terminal table: per group, each case's ops/s, spread, ratio to the baseline and tinybench's view. */
export function formatBenchTable(rows: readonly BenchRow[]): string {
  const lines: string[] = [];
  let current = "";
  for (const row of rows) {
    const key = `${row.suite}/${row.group}`;
    if (key !== current) {
      current = key;
      const baseline = rows.find(
        (r) => r.suite === row.suite && r.group === row.group && r.role === "baseline",
      );
      lines.push(
        "",
        `${key} — ${row.groupTitle}`,
        `  ${"case".padEnd(17)}${"ops/s".padStart(8)}${"CV".padStart(7)}  ${`vs ${baseline?.case ?? "baseline"} [range]`.padEnd(24)}${"tinybench".padStart(10)}${"agree".padStart(7)}  extra`,
      );
    }
    const ratio = row.ratio
      ? `${row.ratio.median.toFixed(2)}× [${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)}]`
      : row.role === "baseline"
        ? "1.00×"
        : "-";
    const extra = [
      row.hitRate !== undefined ? `hit ${(row.hitRate * 100).toFixed(1)}%` : "",
      row.gcPerMillionOps !== undefined
        ? `gc ${row.gcPerMillionOps.toFixed(1)}/Mop ${row.gcTimePercent?.toFixed(1)}% time`
        : "",
      row.fixedWorkRatio
        ? `fixed work ${rate(row.fixedWorkOpsPerSec)} ${row.fixedWorkRatio.median.toFixed(2)}× [${row.fixedWorkRatio.min.toFixed(2)}–${row.fixedWorkRatio.max.toFixed(2)}]`
        : row.fixedWorkOpsPerSec !== undefined
          ? `fixed work ${rate(row.fixedWorkOpsPerSec)}`
          : "",
      row.instructionsPerOp !== undefined
        ? `${row.instructionsPerOp.toFixed(1)} instr/op${row.cyclesPerOp !== undefined ? ` ~${row.cyclesPerOp.toFixed(1)} cycles/op` : ""} ±${((row.instructionSpread ?? 0) * 100).toFixed(3)}%`
        : "",
      row.estimator === "mean" ? "mean" : "",
      row.processes !== 0 ? `n=${row.processes}` : "",
      row.warnings.length > 0 ? `⚠ ${[...new Set(row.warnings)].join(",")}` : "",
    ].filter(Boolean);
    lines.push(
      `${row.role === "subject" ? "*" : " "} ${row.case.padEnd(17)}${rate(row.opsPerSec).padStart(8)}${`${(row.cv * 100).toFixed(1)}%`.padStart(7)}  ${ratio.padEnd(24)}${rate(row.tinybenchOpsPerSec).padStart(10)}${(row.toolRatio?.toFixed(2) ?? "-").padStart(7)}  ${extra.join("  ")}`,
    );
  }
  lines.push(
    "",
    "* = the app's own code. ops/s: median over processes of each process's estimate (mitata); CV across processes;",
    "ratio per process pair with the same hash seed; agree = tinybench / mitata. Ratios from one run on one machine.",
  );
  if (rows.some((r) => r.instructionsPerOp !== undefined))
    lines.push(
      "instr/op (--measure instructions): callgrind's count per op, median over processes, ± its spread between them.",
    );
  return `${lines.join("\n")}\n`;
}
