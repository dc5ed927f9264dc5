import type { RunDiffModel } from "../report/run-diff.ts";
import { formatValue } from "./_format.ts";

const LABEL = {
  better: "✅ better",
  worse: "🔻 worse",
  same: "≈",
  added: "added",
  removed: "removed",
} as const;

/** Markdown diff of two committed runs (`perfgate diff`). */
export function renderRunDiffMarkdown(model: RunDiffModel): string {
  const out = [`## perfgate diff: \`${model.a.shortSha}\` → \`${model.b.shortSha}\``, ""];
  out.push(
    `${model.a.runId} → ${model.b.runId}. One run per side: changes beyond ±2% are labelled, none is a verdict (use \`npm run compare\` for that).`,
    "",
  );
  out.push("| suite | metric | before | after | Δ | |", "|---|---|---:|---:|---:|---|");
  for (const row of model.rows) {
    const delta =
      row.relative === undefined
        ? ""
        : `${row.relative > 0 ? "+" : ""}${(row.relative * 100).toFixed(1)}%`;
    out.push(
      `| ${row.suite} | ${row.metric.replace(/\|/g, "\\|")} ${row.direction === "lower" ? "↓" : "↑"} | ${formatValue(row.a, row.unit)} | ${formatValue(row.b, row.unit)} | ${delta} | ${LABEL[row.label]} |`,
    );
  }
  out.push("");
  if (model.warnings.length > 0) {
    out.push("<details><summary>Measurement warnings</summary>", "");
    for (const warning of model.warnings) out.push(`- ⚠ ${warning}`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}
