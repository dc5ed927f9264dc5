import { z } from "zod";
import { parseConfigJson } from "../schema/index.ts";
import type { GatePolicy, MetricComparisonInput } from "./regression.ts";

const Policy = z.strictObject({
  threshold: z.number().positive().max(10).optional(),
  alpha: z.number().positive().lt(1).optional(),
  gate: z.boolean().optional(),
  reason: z.string().min(1).optional(),
});

const Acceptance = z.strictObject({
  metric: z
    .string()
    .regex(/^[^/]+\/.+/, "expected suite/metric, e.g. load/catalogue-read/latency_p95"),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected an ISO date YYYY-MM-DD"),
  reason: z.string().min(1),
});

export const GatesConfig = z.strictObject({
  $comment: z.string().optional(),
  defaults: z.strictObject({
    threshold: z.number().positive().max(10),
    alpha: z.number().positive().lt(1),
  }),
  suites: z.record(z.string(), Policy).default({}),
  metrics: z.record(z.string(), Policy).default({}),
  accepted: z.array(Acceptance).default([]),
});
export type GatesConfig = z.infer<typeof GatesConfig>;

/** What A/A calibration measured for one metric (`reports/calibration.json`). */
export interface MetricCalibration {
  /** Minimal detectable change at the A/A noise, in %. */
  mdePct: number;
  runs: number;
  falseAlarms: number;
}
export type Calibration = Record<string, MetricCalibration>;

/**
 * The gates of a project that configures none (no `gates` in perfgate.config.*, no
 * harness/config/gates.json): a 5% change matters, 10% for load passes, 1% family-wise alpha.
 */
export const DEFAULT_GATES: GatesConfig = {
  defaults: { threshold: 0.05, alpha: 0.01 },
  suites: { "microbench/*": { threshold: 0.05 }, "load/*": { threshold: 0.1 } },
  metrics: {},
  accepted: [],
};

/** Parse and validate gates config text, naming the file and every bad field at once. */
export function parseGates(text: string, file: string): GatesConfig {
  return parseConfigJson(
    GatesConfig,
    text,
    file,
    "see the $comment at the top of the file for what each field means",
  );
}

/** `load/*` matches `load/catalogue-read`; `*` stands for exactly one path part. */
function matches(pattern: string, key: string): boolean {
  const p = pattern.split("/");
  const k = key.split("/");
  return p.length === k.length && p.every((part, i) => part === "*" || part === k[i]);
}

/**
 * The policy for one metric: defaults, then the matching suite entries, then the matching
 * metric entries (later and more specific win), then an acceptance, then calibration: a metric
 * whose A/A noise makes its MDE larger than its threshold is reported but never gated.
 */
export function policyFor(
  config: GatesConfig,
  calibration: Calibration,
  input: Pick<MetricComparisonInput, "suiteId" | "metricId">,
): GatePolicy & { reason?: string } {
  const key = `${input.suiteId}/${input.metricId}`;
  let policy: GatePolicy & { reason?: string } = { ...config.defaults, gate: true };
  for (const [pattern, entry] of Object.entries(config.suites)) {
    if (matches(pattern, input.suiteId)) policy = { ...policy, ...entry };
  }
  for (const [pattern, entry] of Object.entries(config.metrics)) {
    if (matches(pattern, key)) policy = { ...policy, ...entry };
  }
  const accepted = config.accepted.find((a) => a.metric === key);
  if (accepted) policy.accepted = { until: accepted.until, reason: accepted.reason };
  const calibrated = calibration[key];
  if (policy.gate && calibrated && calibrated.mdePct > policy.threshold * 100) {
    policy = {
      ...policy,
      gate: false,
      reason: `too noisy to gate: A/A MDE ${calibrated.mdePct.toFixed(1)}% > threshold ${(policy.threshold * 100).toFixed(0)}% (${calibrated.runs} calibration runs)`,
    };
  }
  return policy;
}

/** Fold one A/A comparison into the stored calibration (running counts, latest MDE). */
export function updateCalibration(
  calibration: Calibration,
  results: readonly { key: string; mdePct: number; falseAlarm: boolean }[],
): Calibration {
  const next: Calibration = { ...calibration };
  for (const { key, mdePct, falseAlarm } of results) {
    const previous = next[key];
    next[key] = {
      mdePct: Number.isFinite(mdePct) ? mdePct : (previous?.mdePct ?? mdePct),
      runs: (previous?.runs ?? 0) + 1,
      falseAlarms: (previous?.falseAlarms ?? 0) + (falseAlarm ? 1 : 0),
    };
  }
  return next;
}
