import type { LoadProfile } from "../pipeline/profiles.ts";
import type { FaultPlan } from "../runners/fault-steps.ts";
import type { LoadProfileConfig } from "../schema/config.ts";

/**
 * A validated config profile as the load pipeline takes it. The schema checks a fault's kind
 * and leaves its fields to the faults stage, which names a bad one when it plans the schedule.
 */
export function toLoadProfile(profile: LoadProfileConfig): LoadProfile {
  const { faults, ...rest } = profile;
  return {
    ...rest,
    ...(faults
      ? { faults: { ...faults, schedule: faults.schedule as unknown as FaultPlan[] } }
      : {}),
  };
}

/** Stages a run can leave out with `--skip`. */
export const SKIPPABLE_STAGES = [
  "bundle",
  "k6",
  "memory",
  "faults",
  "endpoints",
  "lighthouse",
] as const;
export type SkippableStage = (typeof SKIPPABLE_STAGES)[number];

/** What one invocation changes of its configured profile (`perfgate load` flags). */
export interface ProfileOverrides {
  skip: ReadonlySet<SkippableStage>;
  /** Scenario files instead of the profile's. */
  scenarios?: string[];
  /** Variables merged over the profile's. */
  vars: Record<string, string>;
  /** Seconds of every endpoint pass. */
  endpointSeconds?: number;
}

/** The profile as one invocation changes it: a skipped stage has nothing left to run. */
export function applyOverrides(base: LoadProfile, overrides: ProfileOverrides): LoadProfile {
  const { skip, endpointSeconds } = overrides;
  const profile: LoadProfile = {
    ...base,
    scenarios: skip.has("k6") ? [] : (overrides.scenarios ?? base.scenarios),
    vars: { ...base.vars, ...overrides.vars },
    endpoints: skip.has("endpoints")
      ? []
      : base.endpoints.map((e) =>
          endpointSeconds ? { ...e, durationSeconds: endpointSeconds } : e,
        ),
  };
  if (skip.has("lighthouse")) delete profile.lighthouse;
  if (skip.has("memory")) delete profile.memory;
  if (skip.has("faults")) delete profile.faults;
  return profile;
}

/** Pipeline stage ids of the skipped stages: memory is two, the sampler and the verdict. */
export function skippedStageIds(skip: ReadonlySet<SkippableStage>): Set<string> {
  return new Set([...skip].flatMap((s) => (s === "memory" ? ["memory-sampling", "memory"] : [s])));
}
