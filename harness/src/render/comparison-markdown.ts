import { type ComparisonRecord, type MetricDecision, Unit } from "../schema/index.ts";
import { formatValue } from "./_format.ts";

const ICON: Record<MetricDecision["status"], string> = {
  regressed: "🔴",
  improved: "🟢",
  unchanged: "⚪",
  inconclusive: "❔",
};

function value(v: number, unit: string): string {
  const parsed = Unit.safeParse(unit);
  return parsed.success ? formatValue(v, parsed.data) : `${v.toPrecision(4)} ${unit}`;
}

function pct(v: number): string {
  return `${v > 0 ? "+" : ""}${v.toFixed(1)}%`;
}

function verdictText(d: MetricDecision): string {
  if (d.status === "regressed" && d.accepted)
    return `regressed, accepted until ${d.accepted.until}`;
  if (!d.gated) return `${d.status}, not gated`;
  return d.status;
}

function table(decisions: readonly MetricDecision[]): string[] {
  const out = [
    "| | metric | base | head | Δ | 95% CI | MDE | p (Holm) | verdict |",
    "|---|---|---:|---:|---:|---|---:|---:|---|",
  ];
  for (const d of decisions) {
    const icon = d.status === "regressed" && !d.gated ? "🟠" : ICON[d.status];
    const mde = d.mdePct === null ? "—" : `${d.mdePct.toFixed(1)}%`;
    out.push(
      `| ${icon} | ${d.suiteId} · ${d.metricId} ${d.direction === "lower" ? "↓" : "↑"} | ${value(d.baseMedian, d.unit)} | ${value(d.headMedian, d.unit)} | ${pct(d.deltaPct)} | ${pct(d.ciPct[0])} … ${pct(d.ciPct[1])} | ${mde} | ${d.adjustedPValue.toFixed(3)} | ${verdictText(d)} |`,
    );
  }
  return out;
}

/** Rank for the summary table: what needs the reader's attention first. */
function rank(d: MetricDecision): number {
  if (d.status === "regressed") return d.gated ? 0 : 1;
  return { improved: 2, inconclusive: 3, unchanged: 4 }[d.status];
}

/** The PR comment and job summary of `npm run compare`. Pure. */
export function renderComparisonMarkdown(record: ComparisonRecord): string {
  const { base, head, final, settings } = record;
  const count = (status: MetricDecision["status"]) =>
    final.filter((d) => d.status === status).length;
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
  const confirmation = record.rounds.find((r) => r.name === "confirmation");
  const headline =
    record.failing.length > 0
      ? `**${record.failing.length} confirmed regression${record.failing.length > 1 ? "s" : ""}**: ${record.failing.join(", ")}`
      : "**No confirmed regression**";
  out.push(
    `${headline} · ${count("improved")} improved · ${count("unchanged")} unchanged · ${count("inconclusive")} inconclusive · ${count("regressed") - record.failing.length} regressed but not gated`,
    "",
    `${settings.blocks} interleaved blocks per suite (${settings.suites.join(", ")})${confirmation ? `, then ${confirmation.blocks} confirmation blocks for ${confirmation.suites.join(", ")}` : ""}; each block runs base and head back to back in fresh processes, each side first in half of the blocks.`,
    "",
  );
  out.push(...table([...final].sort((a, b) => rank(a) - rank(b))), "");
  const notGated = final.filter((d) => !d.gated && d.reason);
  if (notGated.length > 0) {
    out.push("<details><summary>Not gated, and why</summary>", "");
    for (const d of notGated) out.push(`- ${d.suiteId} · ${d.metricId}: ${d.reason}`);
    out.push("", "</details>", "");
  }
  for (const round of record.rounds) {
    out.push(
      `<details><summary>${round.name === "initial" ? "Initial" : "Confirmation"} round: ${round.blocks} blocks, ${round.decisions.length} metrics</summary>`,
      "",
    );
    for (const d of round.decisions)
      out.push(`- ${ICON[d.status]} ${d.suiteId} · ${d.metricId}: ${d.evidence}`);
    out.push("", "</details>", "");
  }
  out.push(
    "<sub>Δ is the paired estimate (median over blocks of head/base); the interval is a bootstrap over whole blocks; p is a 20%-trimmed (Yuen) t-test on the per-block log ratios, Holm-adjusted over every metric; MDE is the smallest change this many blocks can detect at the measured noise. A regression fails the check only when gated and confirmed by the second round.</sub>",
    "",
  );
  return out.join("\n");
}
