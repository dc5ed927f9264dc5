import { type ComparisonRecord, type MetricDecision, Unit } from "../schema/index.ts";
import { FOREIGN_LOAD_LIMITS } from "../verdicts/foreign-load.ts";
import { formatValue } from "./_format.ts";

const ICON: Record<MetricDecision["status"], string> = {
  regressed: "🔴",
  improved: "🟢",
  unchanged: "⚪",
  inconclusive: "❔",
};

export function statusIcon(d: MetricDecision): string {
  return d.status === "regressed" && !d.gated ? "🟠" : ICON[d.status];
}

/**
 * A value with its unit and at least three significant digits: a paired head of 9.86 ns must
 * not print as "10 ns" beside a base of "10 ns" and a Δ of −1.4%.
 */
export function compareValue(v: number, unit: string): string {
  const parsed = Unit.safeParse(unit);
  if (!parsed.success) return `${Number(v.toPrecision(3))} ${unit}`;
  if ((parsed.data === "ns" || parsed.data === "us") && Math.abs(v) < 100)
    return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ${parsed.data === "us" ? "µs" : "ns"}`;
  if (parsed.data === "count" || parsed.data === "score") return String(Number(v.toPrecision(3)));
  return formatValue(v, parsed.data);
}

export function signedPct(v: number, digits = 1): string {
  const text = Math.abs(v).toFixed(digits);
  return `${v < 0 && Number(text) !== 0 ? "−" : "+"}${text}%`;
}

/**
 * Head as the estimator sees it: base × (1 + Δ), where Δ is the paired estimate (median over
 * blocks of head/base). Printing the raw median of head block medians beside it would show a
 * different change than Δ (10 → 12 ns beside −1.4%), which is what the reader cannot reconcile.
 */
export function pairedHead(d: MetricDecision): number {
  return d.baseMedian * (1 + d.deltaPct / 100);
}

/** `pool · object16/pool ↓`: without the `microbench/` or `load/` the suite line already says. */
export function metricName(d: MetricDecision): string {
  const suite = d.suiteId.replace(/^(microbench|load)\//, "");
  return `${suite} · ${d.metricId} ${d.direction === "lower" ? "↓" : "↑"}`;
}

/** A value that never wraps between number and unit in a narrow table cell. */
export function unbroken(text: string): string {
  return text.replace(/ /g, "\u00a0");
}

function threshold(d: MetricDecision): string | undefined {
  const t =
    /threshold (\d+(?:\.\d+)?)%/.exec(d.evidence)?.[1] ??
    /past ±(\d+(?:\.\d+)?)%/.exec(d.evidence)?.[1];
  return t === undefined ? undefined : String(Number(t));
}

/** Why one metric is inconclusive, short enough for a table cell. */
export function inconclusiveReason(d: MetricDecision): string {
  const t = threshold(d);
  const gate = t ? `${t}% gate` : "the gate";
  if (d.evidence.includes("≤ 0 on one side")) return "a block median is ≤ 0 on one side";
  if (d.blocks < 3) return `${d.blocks} blocks cannot reach significance (≥ 3 needed)`;
  const mde = d.mdePct === null ? "unknown" : `${d.mdePct.toFixed(0)}%`;
  if (d.evidence.includes("too noisy"))
    return `too noisy (detects ≥ ${mde}, ${gate}; ~${d.blocksNeeded ?? "?"} blocks needed)`;
  const [low, high] = d.ciPct;
  if (low > 0 || high < 0)
    return `interval excludes 0, but p = ${d.adjustedPValue.toFixed(3)} after Holm is not significant`;
  return `interval reaches past ±${t ? `${t}%` : "the gate"}, not significant`;
}

export function verdictCell(d: MetricDecision): string {
  let text: string = d.status;
  if (d.status === "inconclusive") text = `inconclusive — ${inconclusiveReason(d)}`;
  if (d.status === "regressed" && d.accepted)
    text = `regressed, accepted until ${d.accepted.until}`;
  if (!d.gated && !d.accepted) text += " · report only";
  return text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The one line that says what was decided, first thing in the comment. */
export function decisionHeadline(record: ComparisonRecord): string {
  const { final, failing } = record;
  const count = (status: MetricDecision["status"]) =>
    final.filter((d) => d.status === status).length;
  if (failing.length > 0)
    return `❌ ${plural(failing.length, "confirmed regression")}: ${failing.join(", ")}`;
  const inconclusive = final.filter((d) => d.status === "inconclusive");
  const blocks = Math.max(0, ...inconclusive.map((d) => d.blocks));
  const noisy = inconclusive.filter((d) => d.evidence.includes("too noisy")).length;
  if (final.length > 0 && inconclusive.length === final.length)
    return noisy === final.length
      ? `⚠ Inconclusive: ${final.length} of ${final.length} metrics too noisy at ${blocks} blocks — no regression confirmed`
      : `⚠ Inconclusive: ${final.length} of ${final.length} metrics undecided at ${blocks} blocks (${noisy} too noisy) — no regression confirmed`;
  if (inconclusive.length > 0)
    return `⚠ ${inconclusive.length} of ${final.length} metrics inconclusive at ${blocks} blocks — no regression confirmed (${count("unchanged")} unchanged, ${count("improved")} improved)`;
  const improved = count("improved");
  const notGated = count("regressed");
  return `✅ No change beyond noise${improved ? ` · ${improved} improved` : ""}${notGated ? ` · ${notGated} regressed but report only` : ""}`;
}

/** What other processes did to the machine while the blocks ran, and a warning above the limit. */
function foreignLoadLines(record: ComparisonRecord): string[] {
  const load = record.foreignLoad;
  const env = record.environment;
  if (load) {
    const text = `other processes used ${load.foreignCores.toFixed(2)} cores on average (peak ${load.foreignCoresMax.toFixed(2)}), steal ${load.stealPct.toFixed(1)}%`;
    const over =
      load.foreignCores > FOREIGN_LOAD_LIMITS.meanCores ||
      load.stealPct > FOREIGN_LOAD_LIMITS.stealPct;
    return [
      over
        ? `> ⚠ **foreign-load**: ${text} — these verdicts were measured under load`
        : `**Foreign load**: ${text}`,
    ];
  }
  const peak = env ? Math.max(env.loadAvgBefore[0], env.loadAvgAfter?.[0] ?? 0) : 0;
  return env && peak > env.cores
    ? [
        `> ⚠ **foreign-load**: load average reached ${peak.toFixed(1)} on ${env.cores} cores — these verdicts were measured under load`,
      ]
    : [];
}

/** Environment and noise: what the numbers were measured on and how loaded the machine was. */
export function environmentLines(record: ComparisonRecord): string[] {
  const out: string[] = [];
  const env = record.environment;
  if (env) {
    const load = env.loadAvgAfter
      ? `load average ${env.loadAvgBefore[0].toFixed(1)} → ${env.loadAvgAfter[0].toFixed(1)} on ${env.cores} cores`
      : `load average ${env.loadAvgBefore[0].toFixed(1)} on ${env.cores} cores`;
    out.push(
      `**Environment**: ${env.cpuModel} × ${env.cores} · ${env.os} · Node ${env.node}${env.ci ? ` · CI${env.runner ? ` (${env.runner})` : ""}` : " · local"} · ${load}`,
    );
  }
  const mdes = record.final
    .flatMap((d) => (d.mdePct === null ? [] : [d.mdePct]))
    .sort((a, b) => a - b);
  if (mdes.length > 0) {
    const mid = mdes[Math.floor(mdes.length / 2)] as number;
    const noisy = record.final.filter((d) => d.evidence.includes("too noisy")).length;
    out.push(
      `**Noise**: median smallest detectable change ${mid.toFixed(1)}% (best ${(mdes[0] as number).toFixed(1)}%, worst ${(mdes[mdes.length - 1] as number).toFixed(1)}%); ${noisy} of ${record.final.length} metrics too noisy for their gate at this many blocks`,
    );
  }
  out.push(...foreignLoadLines(record));
  if (record.runUrl)
    out.push(`**Run**: [${record.id}](${record.runUrl}) (artifacts on the run page)`);
  return out;
}
