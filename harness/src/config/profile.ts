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
