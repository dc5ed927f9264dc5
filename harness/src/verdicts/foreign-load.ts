import type { QualityWarning, Suite, Verdict } from "../schema/index.ts";

/**
 * Above these, a stage's numbers are not the code's alone. Half a core of someone else's work
 * on a 2-core machine moves loopback p95 by tens of percent (issue 18: a load average of 63.7
 * recorded a PASS); steal time means the hypervisor took our vCPU away.
 */
export const FOREIGN_LOAD_LIMITS = { meanCores: 0.5, stealPct: 10 } as const;

/** What a stage's `meta` records about the machine while it measured (see runners/foreign-load). */
export interface ForeignLoadMeta {
  foreignCores: number;
  foreignCoresMax: number;
  stealPct: number;
}

function readMeta(suite: Suite): ForeignLoadMeta | undefined {
  const { foreignCores, foreignCoresMax, stealPct } = suite.meta ?? {};
  if (typeof foreignCores !== "number" || typeof stealPct !== "number") return undefined;
  return {
    foreignCores,
    foreignCoresMax: typeof foreignCoresMax === "number" ? foreignCoresMax : foreignCores,
    stealPct,
  };
}

function describe(load: ForeignLoadMeta): string {
  return `other processes used ${load.foreignCores.toFixed(2)} cores on average (peak ${load.foreignCoresMax.toFixed(2)}), steal ${load.stealPct.toFixed(1)}%`;
}

/**
 * A `foreign-load` warning for every suite measured above the limits, and every verdict on
 * such a suite marked as measured under load (message and evidence). Pure.
 */
export function judgeForeignLoad(
  suites: readonly Suite[],
  verdicts: readonly Verdict[],
  options: { externalTarget?: boolean } = {},
): { warnings: QualityWarning[]; verdicts: Verdict[] } {
  // An app started outside perfgate (--base-url) is not in our process tree: its CPU counts too.
  const note = options.externalTarget
    ? "; the app at --base-url runs outside perfgate, so its own CPU is counted here too"
    : "";
  const loaded = new Map<string, ForeignLoadMeta>();
  const warnings: QualityWarning[] = [];
  for (const suite of suites) {
    const load = readMeta(suite);
    if (!load) continue;
    if (
      load.foreignCores <= FOREIGN_LOAD_LIMITS.meanCores &&
      load.stealPct <= FOREIGN_LOAD_LIMITS.stealPct
    )
      continue;
    loaded.set(suite.id, load);
    warnings.push({
      code: "foreign-load",
      suite: suite.id,
      message: `measured under foreign load: ${describe(load)} (limits ${FOREIGN_LOAD_LIMITS.meanCores} cores, ${FOREIGN_LOAD_LIMITS.stealPct}% steal); its numbers and verdicts are not the code's alone${note}`,
    });
  }
  return {
    warnings,
    verdicts: verdicts.map((verdict) => {
      const load = loaded.get(verdict.suite);
      if (!load) return verdict;
      return {
        ...verdict,
        message: `${verdict.message} [measured under foreign load: ${load.foreignCores.toFixed(2)} cores]`,
        evidence: {
          ...verdict.evidence,
          foreignLoadCores: load.foreignCores,
          stealPct: load.stealPct,
        },
      };
    }),
  };
}
