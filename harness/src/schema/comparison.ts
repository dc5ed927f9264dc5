import { z } from "zod";
import { Environment, Verdict } from "./run-result.ts";

/** Version of the comparison record's shape (its own, beside the run record's). */
export const COMPARISON_SCHEMA_VERSION = 1;

const finite = z.number().refine(Number.isFinite, "expected a finite number");
/** Infinity (an MDE with < 2 blocks) travels as null in JSON. */
const maybeInfinite = z.number().nullable();

/** One metric's decision in one round (the shape of verdicts/regression.ts MetricVerdict). */
export const MetricDecision = z
  .object({
    metricId: z.string().min(1),
    suiteId: z.string().min(1),
    unit: z.string().min(1),
    direction: z.enum(["lower", "higher"]),
    status: z.enum(["regressed", "improved", "unchanged", "inconclusive"]),
    baseMedian: finite,
    headMedian: finite,
    deltaPct: finite,
    ciPct: z.tuple([finite, finite]),
    mdePct: maybeInfinite,
    blocksNeeded: maybeInfinite,
    pValue: finite,
    adjustedPValue: finite,
    gated: z.boolean(),
    accepted: z.object({ until: z.string(), reason: z.string() }).strict().optional(),
    /** Why it is not gated (config or calibration), when it is not. */
    reason: z.string().optional(),
    evidence: z.string(),
    blocks: z.number().int().nonnegative(),
  })
  .strict();
export type MetricDecision = z.infer<typeof MetricDecision>;

export const ComparisonRound = z
  .object({
    name: z.enum(["initial", "confirmation"]),
    blocks: z.number().int().nonnegative(),
    /** Suites measured in this round (the confirmation re-measures suspects only). */
    suites: z.array(z.string()),
    decisions: z.array(MetricDecision),
  })
  .strict();

/**
 * What `npm run compare` writes (`.perf/compare/<id>/comparison.json`). `status` is `complete`
 * only when every round finished; an interrupted or failed comparison says so and never gates.
 */
export const ComparisonRecord = z
  .object({
    schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
    id: z.string().min(1),
    status: z.enum(["complete", "interrupted", "failed"]),
    mode: z.enum(["compare", "calibration"]),
    startedAt: z.string(),
    finishedAt: z.string(),
    base: z.object({ ref: z.string(), sha: z.string(), install: z.string() }).strict(),
    head: z.object({ sha: z.string(), dirty: z.boolean() }).strict(),
    settings: z
      .object({
        suites: z.array(z.string()),
        blocks: z.number().int().positive(),
        confirmBlocks: z.number().int().nonnegative(),
        seed: z.number().int(),
      })
      .strict(),
    rounds: z.array(ComparisonRound),
    /** The decisions that count: the confirmation round's for re-measured metrics, else the initial. */
    final: z.array(MetricDecision),
    /** The same decisions as run-record verdicts (what the GitHub publisher reads). */
    verdicts: z.array(Verdict),
    /** Gated, confirmed regressions: the exit code is 1 when non-empty. */
    failing: z.array(z.string()),
    error: z.string().optional(),
    /** The machine the blocks ran on, with load average before and after (the noise line). */
    environment: Environment.optional(),
    /** Other processes' CPU while the blocks ran (runners/foreign-load.ts), in cores and % steal. */
    foreignLoad: z
      .object({ foreignCores: z.number(), foreignCoresMax: z.number(), stealPct: z.number() })
      .strict()
      .optional(),
    /** The CI run that produced this comparison (its page holds the artifacts). */
    runUrl: z.string().optional(),
  })
  .strict();
export type ComparisonRecord = z.infer<typeof ComparisonRecord>;

/** Values one side produced for one metric in one block. */
export interface BlockSample {
  suiteId: string;
  metricId: string;
  unit: string;
  direction: "lower" | "higher";
  side: "base" | "head";
  block: number;
  values: number[];
}
