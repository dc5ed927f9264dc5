/**
 * Per-metric regression verdicts from interleaved base/head blocks. A block is the base and head
 * processes measured back to back; the decision works on one number per block, so the noise the
 * two sides of a block share cancels.
 *
 * Decision rule, per metric (r_i = log(median(head_i) / median(base_i)) for block i):
 * - estimate Δ = exp(median r) − 1; 95% CI = exp(percentile paired-block bootstrap of median r) − 1.
 * - p = two-sided one-sample trimmed t-test (Yuen, 20%) on the r_i (paired by construction: one
 *   wild block cannot sink a real change or fake one), Holm-adjusted
 *   over every metric of the call, so the chance of any false alarm in the report stays ≤ α.
 * - noise = robust sd of the r_i (1.4826 · MAD; the plain sd when the MAD is 0); the MDE is the
 *   change a two-sided test at α/m (Holm's first step over m metrics) finds with 80% power from
 *   n blocks. The r_i are already head − base differences, so the per-side noise passed to
 *   minimalDetectableChange is sd/√2, which makes its √(2/n) the paired √(1/n).
 * - worse = higher for direction "lower", lower for direction "higher"; t = policy.threshold.
 *   regressed: adjusted p ≤ α, the CI lies entirely on the worse side of 0 and Δ is beyond t
 *   on the worse side. improved: the mirror image. unchanged: the CI lies within ±t.
 *   Otherwise inconclusive, with the reason (too noisy / too few blocks, or not significant).
 *   unchanged needs at least 2 blocks: one block has no noise estimate.
 * - An acceptance whose `until` ≥ today keeps status regressed but stops it gating; an expired
 *   one is ignored and the evidence says so. policy.gate = false reports without gating.
 * Pure: randomness comes from the seed (mixed with the metric's id), the date is passed in.
 */
import { EXIT, HarnessError } from "../schema/index.ts";
import {
  blocksNeeded,
  holm,
  median,
  minimalDetectableChange,
  pairedBlockBootstrap,
  robustSd,
  standardDeviation,
  trimmedTTest,
} from "../stats/index.ts";

export type RegressionStatus = "regressed" | "improved" | "unchanged" | "inconclusive";

/** One metric of one suite measured in paired blocks (values in `unit`, one or more per side). */
export interface MetricComparisonInput {
  metricId: string;
  suiteId: string;
  unit: string;
  direction: "lower" | "higher";
  blocks: { base: number[]; head: number[] }[];
}

/** An accepted regression, config-as-code: it stops gating until the date, inclusive. */
export interface Acceptance {
  /** ISO date (YYYY-MM-DD). */
  until: string;
  reason: string;
}

export interface GatePolicy {
  /** Smallest relative change that matters, e.g. 0.05. */
  threshold: number;
  /** Family-wise false-alarm rate over the whole call, e.g. 0.01. */
  alpha: number;
  /** False: report only (too noisy, or not gated by config). */
  gate: boolean;
  accepted?: Acceptance;
}

export interface MetricVerdict {
  metricId: string;
  suiteId: string;
  unit: string;
  direction: "lower" | "higher";
  status: RegressionStatus;
  /** Median over blocks of each block's base median. */
  baseMedian: number;
  headMedian: number;
  /** Paired estimate (exp(median log ratio) − 1) · 100; may differ from headMedian/baseMedian. */
  deltaPct: number;
  /** 95% bootstrap interval of deltaPct. */
  ciPct: [number, number];
  /** Minimal detectable change in % (Infinity with fewer than 2 usable blocks). */
  mdePct: number;
  /** Blocks needed to resolve a change of the threshold at this noise (beyond the spec API). */
  blocksNeeded: number;
  pValue: number;
  adjustedPValue: number;
  /** Whether this verdict may fail the gate (false for report-only metrics and acceptances). */
  gated: boolean;
  accepted?: Acceptance;
  /** One sentence a PR author can read. */
  evidence: string;
}

const CONFIDENCE = 0.95;
/** Two blocks give a t-test one degree of freedom: it cannot reach a Holm-adjusted α. */
export const MIN_BLOCKS_FOR_P = 3;
const POWER = 0.8;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const TIME_UNITS = new Set(["ns", "us", "µs", "ms", "s", "min"]);

interface Analysis {
  input: MetricComparisonInput;
  policy: GatePolicy;
  baseMedian: number;
  headMedian: number;
  /** Per-block log ratios; undefined when a block has a non-positive median on one side only. */
  ratios: number[] | undefined;
  pValue: number;
}

/**
 * Verdicts for every metric of one comparison, in input order. See the file header for the rule.
 *
 * @throws HarnessError listing every malformed input or policy at once.
 */
export function decideRegressions(
  inputs: MetricComparisonInput[],
  policyFor: (m: MetricComparisonInput) => GatePolicy,
  options: { seed: number; today: string },
): MetricVerdict[] {
  const policies = inputs.map(policyFor);
  validate(inputs, policies, options.today);
  const analyses = inputs.map((input, i) => analyse(input, policies[i] as GatePolicy));
  const adjusted = holm(analyses.map((a) => a.pValue));
  return analyses.map((a, i) => decide(a, adjusted[i] as number, inputs.length, options));
}

function validate(inputs: MetricComparisonInput[], policies: GatePolicy[], today: string): void {
  const problems: string[] = [];
  let usage = !ISO_DATE.test(today);
  if (usage) problems.push(`today: "${today}" is not an ISO date (YYYY-MM-DD)`);
  inputs.forEach((input, i) => {
    const name = `${input.suiteId}/${input.metricId}`;
    if (input.blocks.length === 0) problems.push(`${name}: no blocks`);
    input.blocks.forEach((block, b) => {
      for (const side of ["base", "head"] as const) {
        if (block[side].length === 0) problems.push(`${name}: block ${b} has no ${side} values`);
        else if (!block[side].every(Number.isFinite))
          problems.push(`${name}: block ${b} has a non-finite ${side} value`);
      }
    });
    const policy = policies[i] as GatePolicy;
    const before = problems.length;
    if (!(policy.threshold > 0)) problems.push(`${name}: threshold must be > 0`);
    if (!(policy.alpha > 0 && policy.alpha < 1)) problems.push(`${name}: alpha must be in (0, 1)`);
    if (policy.accepted && !ISO_DATE.test(policy.accepted.until))
      problems.push(`${name}: accepted.until "${policy.accepted.until}" is not an ISO date`);
    usage ||= problems.length > before;
  });
  if (problems.length > 0)
    throw new HarnessError("E_COMPARE_INPUT", `cannot compare:\n  ${problems.join("\n  ")}`, {
      hint: usage
        ? "fix the gate policy (threshold > 0, alpha in (0, 1), ISO dates) in the compare config"
        : "every block needs finite base and head values; rerun the blocks that failed",
      exitCode: usage ? EXIT.usage : EXIT.toolFailed,
    });
}

/** FNV-1a of the metric's id mixed into the seed, so a verdict does not depend on input order. */
function metricSeed(seed: number, input: MetricComparisonInput): number {
  let hash = 0x811c9dc5;
  for (const char of `${input.suiteId}\u0000${input.metricId}`) {
    hash = Math.imul(hash ^ (char.codePointAt(0) as number), 0x01000193);
  }
  return (hash ^ seed) >>> 0;
}

function analyse(input: MetricComparisonInput, policy: GatePolicy): Analysis {
  const base = input.blocks.map((b) => median(b.base));
  const head = input.blocks.map((b) => median(b.head));
  const usable = base.every((v, i) => v === head[i] || (v > 0 && (head[i] as number) > 0));
  const ratios = usable
    ? base.map((v, i) => (v === head[i] ? 0 : Math.log((head[i] as number) / v)))
    : undefined;
  const pValue = ratios ? trimmedTTest(ratios).pValue : 1;
  return { input, policy, baseMedian: median(base), headMedian: median(head), ratios, pValue };
}

interface RatioJudgement {
  estimate: number;
  low: number;
  high: number;
  mde: number;
  needed: number;
  status: RegressionStatus;
  notes: string[];
}

/** The interval, detectable change and status of a metric's per-block log ratios. */
function judgeRatios(
  analysis: Analysis,
  ratios: number[],
  adjustedPValue: number,
  family: number,
  seed: number,
): RatioJudgement {
  const { input, policy } = analysis;
  const t = policy.threshold;
  const judgement: RatioJudgement = {
    estimate: 0,
    low: 0,
    high: 0,
    mde: Number.POSITIVE_INFINITY,
    needed: Number.POSITIVE_INFINITY,
    status: "inconclusive",
    notes: [],
  };
  const ci = pairedBlockBootstrap(
    ratios.map((r) => ({ base: [0], head: [r] })),
    (_base, head) => median(head),
    { seed: metricSeed(seed, input), confidence: CONFIDENCE },
  );
  const [estimate, low, high] = [ci.estimate, ci.low, ci.high].map(Math.expm1) as [
    number,
    number,
    number,
  ];
  Object.assign(judgement, { estimate, low, high });
  const alphaEach = policy.alpha / family;
  const minBlocksForP = MIN_BLOCKS_FOR_P;
  if (ratios.length >= 2) {
    const spread = robustSd(ratios) || standardDeviation(ratios);
    const perSide = spread / Math.SQRT2;
    const power = { alpha: alphaEach, power: POWER };
    judgement.mde = Math.expm1(
      minimalDetectableChange({ noiseSd: perSide, n: ratios.length, ...power }),
    );
    judgement.needed = Math.max(
      minBlocksForP,
      blocksNeeded({ noiseSd: perSide, change: Math.log1p(t), ...power }),
    );
  }
  const worse = input.direction === "lower" ? 1 : -1;
  const significant = adjustedPValue <= policy.alpha && ratios.length >= minBlocksForP;
  if (significant && worse * low > 0 && worse * high > 0 && worse * estimate > t)
    judgement.status = "regressed";
  else if (significant && worse * low < 0 && worse * high < 0 && -worse * estimate > t)
    judgement.status = "improved";
  // One block has no noise estimate: its zero-width interval proves nothing.
  else if (ratios.length >= 2 && low >= -t && high <= t) judgement.status = "unchanged";
  else if (ratios.length < minBlocksForP)
    judgement.notes.push(
      `inconclusive: ${ratios.length} blocks cannot reach p ≤ ${fmtP(alphaEach)} (α/${family}); at least ${minBlocksForP} needed`,
    );
  else if (judgement.mde > t)
    judgement.notes.push(
      `inconclusive: too noisy or too few blocks (MDE ${fmtPct(judgement.mde)} > threshold ${fmtPct(t)}; ~${judgement.needed} blocks needed)`,
    );
  else
    judgement.notes.push(
      `inconclusive: the interval reaches past ±${fmtPct(t)} without a significant change`,
    );
  return judgement;
}

function decide(
  analysis: Analysis,
  adjustedPValue: number,
  family: number,
  options: { seed: number; today: string },
): MetricVerdict {
  const { input, policy, ratios } = analysis;
  const t = policy.threshold;
  const acceptance = policy.accepted;
  const acceptanceActive =
    acceptance !== undefined && acceptance.until.slice(0, 10) >= options.today.slice(0, 10);
  const { estimate, low, high, mde, needed, status, notes } = ratios
    ? judgeRatios(analysis, ratios, adjustedPValue, family, options.seed)
    : {
        estimate: 0,
        low: 0,
        high: 0,
        mde: Number.POSITIVE_INFINITY,
        needed: Number.POSITIVE_INFINITY,
        status: "inconclusive" as const,
        notes: [
          "inconclusive: a block median is ≤ 0 on one side only, so a relative change is undefined",
        ],
      };
  let gated = policy.gate;
  if (status === "regressed" || status === "improved")
    notes.push(`${status} beyond the ${fmtPct(t)} threshold`);
  if (status === "unchanged") notes.push(`within ±${fmtPct(t)}`);
  if (acceptance && acceptanceActive && status === "regressed") {
    gated = false;
    notes.push(`accepted until ${acceptance.until}: ${acceptance.reason}`);
  } else if (acceptance && !acceptanceActive) {
    notes.push(`acceptance expired on ${acceptance.until} (${acceptance.reason}), ignored`);
  }
  if (!policy.gate) notes.push("report only (not gated)");
  const n = input.blocks.length;
  const mdeText = Number.isFinite(mde) ? fmtPct(mde) : "unknown (needs ≥ 2 blocks)";
  const evidence =
    `head ${describeChange(estimate, input.unit)} (95% CI [${fmtSigned(low)}, ${fmtSigned(high)}]), ` +
    `p${adjustedPValue < 0.001 ? "<0.001" : `=${fmtP(adjustedPValue)}`} after Holm over ${family} metric${family === 1 ? "" : "s"}, ` +
    `${n} paired block${n === 1 ? "" : "s"}; MDE ${mdeText}${notes.map((note) => `; ${note}`).join("")}`;
  return {
    metricId: input.metricId,
    suiteId: input.suiteId,
    unit: input.unit,
    direction: input.direction,
    status,
    baseMedian: analysis.baseMedian,
    headMedian: analysis.headMedian,
    deltaPct: estimate * 100,
    ciPct: [low * 100, high * 100],
    mdePct: mde * 100,
    blocksNeeded: needed,
    pValue: analysis.pValue,
    adjustedPValue,
    gated,
    ...(acceptance && acceptanceActive ? { accepted: { ...acceptance } } : {}),
    evidence,
  };
}

function fmtPct(relative: number): string {
  const pct = Math.abs(relative * 100);
  return `${pct < 0.1 && pct > 0 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

function fmtSigned(relative: number): string {
  return `${relative < 0 ? "−" : "+"}${fmtPct(relative)}`;
}

function fmtP(p: number): string {
  return String(Number(p.toPrecision(2)));
}

function describeChange(relative: number, unit: string): string {
  if (relative === 0) return "unchanged (0.0%)";
  const time = TIME_UNITS.has(unit);
  const word = relative > 0 ? (time ? "slower" : "higher") : time ? "faster" : "lower";
  return `${fmtPct(relative)} ${word}`;
}
