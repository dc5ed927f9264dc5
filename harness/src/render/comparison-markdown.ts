import type { ComparisonRecord, MetricDecision } from "../schema/index.ts";
import {
  compareValue,
  decisionHeadline,
  environmentLines,
  metricName,
  pairedHead,
  signedPct,
  statusIcon,
  unbroken,
  verdictCell,
} from "./_compare-cells.ts";

/**
 * Five columns fit GitHub's comment width. `head` is base × (1 + Δ), so the three agree; the
 * raw medians of block medians are in the per-round details.
 */
function table(decisions: readonly MetricDecision[]): string[] {
  const out = [
    "| | metric | base → head (paired) | Δ [95% CI] | verdict |",
    "|---|---|---:|---:|---|",
  ];
  for (const d of decisions) {
    const [low, high] = d.ciPct;
    out.push(
      `| ${statusIcon(d)} | ${metricName(d)} | ${unbroken(compareValue(d.baseMedian, d.unit))} → ${unbroken(compareValue(pairedHead(d), d.unit))} | ${signedPct(d.deltaPct)}<br><sub>${signedPct(low, 0)}…${signedPct(high, 0)}</sub> | ${verdictCell(d)} |`,
    );
  }
  return out;
}

/** Rank for the summary table: what needs the reader's attention first. */
function rank(d: MetricDecision): number {
  if (d.status === "regressed") return d.gated ? 0 : 1;
  return { improved: 2, inconclusive: 3, unchanged: 4 }[d.status];
}

function roundDetails(record: ComparisonRecord): string[] {
  const out: string[] = [];
  for (const round of record.rounds) {
    out.push(
      `<details><summary>${round.name === "initial" ? "Initial" : "Confirmation"} round: ${round.blocks} blocks, ${round.decisions.length} metrics</summary>`,
      "",
    );
    for (const d of round.decisions)
      out.push(
        `- ${statusIcon(d)} ${d.suiteId} · ${d.metricId}: medians of block medians ${compareValue(d.baseMedian, d.unit)} → ${compareValue(d.headMedian, d.unit)}; ${d.evidence}`,
      );
    out.push("", "</details>", "");
  }
  return out;
}

/** The PR comment and job summary of `npm run compare`. Pure. */
export function renderComparisonMarkdown(record: ComparisonRecord): string {
  const { base, head, final, settings } = record;
  const title = record.mode === "calibration" ? "perfgate A/A calibration" : "perfgate compare";
  const out = [
    `## ${title}: \`${head.sha.slice(0, 7)}\`${head.dirty ? " (+ uncommitted changes)" : ""} vs base \`${base.ref}\` (\`${base.sha.slice(0, 7)}\`)`,
    "",
  ];
  if (record.status !== "complete") {
    out.push(
      `> **${record.status.toUpperCase()}**: ${record.error ?? "the comparison did not finish"} — no verdict below gates anything.`,
      "",
    );
  }
  out.push(`### ${decisionHeadline(record)}`, "");
  const confirmation = record.rounds.find((r) => r.name === "confirmation");
  out.push(
    `${settings.blocks} interleaved blocks per suite (${settings.suites.join(", ")})${confirmation ? `, then ${confirmation.blocks} confirmation blocks for ${confirmation.suites.join(", ")}` : ""}; each block runs base and head back to back in fresh processes, each side first in half of the blocks.`,
    "",
  );
  out.push(...table([...final].sort((a, b) => rank(a) - rank(b))), "");
  for (const line of environmentLines(record)) out.push(line, "");
  const notGated = final.filter((d) => !d.gated && d.reason);
  if (notGated.length > 0) {
    out.push("<details><summary>Report only, and why</summary>", "");
    for (const d of notGated) out.push(`- ${d.suiteId} · ${d.metricId}: ${d.reason}`);
    out.push("", "</details>", "");
  }
  out.push(...roundDetails(record));
  out.push(
    "<sub>Δ is the paired estimate: the median over blocks of head/base, with a bootstrap interval over whole blocks; head is shown as base × (1 + Δ) so the columns agree. p is a 20%-trimmed (Yuen) t-test on the per-block log ratios, Holm-adjusted over every metric. A regression fails the check only when gated and confirmed by the second round.</sub>",
    "",
  );
  return out.join("\n");
}
