import type { CalibrationNote } from "../report/index.ts";
import { formatValue } from "./_format.ts";

function range(spread: CalibrationNote["benchmarkIndex"], format: (v: number) => string): string {
  return spread.min === spread.max
    ? format(spread.median)
    : `${format(spread.median)} (${format(spread.min)}–${format(spread.max)})`;
}

/**
 * A Lighthouse suite's calibration in two lines of text: what the machine measured and the
 * multiplier it got, then the metrics shown with their spread instead of gating.
 */
export function calibrationLines(note: CalibrationNote): string[] {
  const index = range(note.benchmarkIndex, (v) => Math.round(v).toLocaleString("en-US"));
  const multiplier = range(note.multiplier, (v) => `${v.toFixed(2)}×`);
  const how =
    note.method === "benchmark-index"
      ? `calibrated to benchmarkIndex ${note.targetBenchmarkIndex}${note.bounds ? `, bounds ${note.bounds[0]}–${note.bounds[1]}×` : ""}`
      : "fixed (lighthouserc)";
  const foreign = note.foreignCores
    ? ` · foreign load ${note.foreignCores.mean.toFixed(2)} cores mean, ${note.foreignCores.max.toFixed(2)} max`
    : "";
  const lines = [
    `CPU throttling: benchmarkIndex ${index} → cpuSlowdownMultiplier ${multiplier}, ${how} · ${note.runs} run(s), median run reported${foreign}`,
  ];
  if (note.ungated.length > 0)
    lines.push(
      `Reported with their spread over the runs, not gated: ${note.ungated
        .map(
          (m) =>
            `${m.id} ${formatValue(m.spread.min, m.unit)}–${formatValue(m.spread.max, m.unit)} (median ${formatValue(m.spread.median, m.unit)})`,
        )
        .join(" · ")}`,
    );
  return lines;
}
