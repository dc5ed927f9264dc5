import type { Stage } from "./options.ts";

/** A change in the number of VUs at `tMs` after the scenario's start (k6 `lib.ExecutionStep`). */
export interface VuStep {
  tMs: number;
  vus: number;
}

/**
 * ramping-vus raw steps (k6 `getRawExecutionSteps`, one instance): when the number of VUs that
 * should be starting iterations changes. Ramps move one VU at a time, rounding toward the stage's
 * starting value; `zeroEnd` adds the drop to 0 at the end of the stages.
 */
export function rampingVusRawSteps(
  startVUs: number,
  stages: readonly Stage[],
  zeroEnd: boolean,
): VuStep[] {
  const steps: VuStep[] = [{ tMs: 0, vus: startVUs }];
  const add = (tMs: number, vus: number) => {
    if ((steps.at(-1) as VuStep).vus !== vus) steps.push({ tMs, vus });
  };
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    const to = stage.target;
    const end = stageStart + stage.durationMs;
    if (stage.durationMs === 0) add(end, to);
    else if (to > from)
      for (let k = 1; k <= to - from; k += 1)
        add(stageStart + (stage.durationMs * k) / (to - from), from + k);
    else if (to < from)
      for (let k = 1; k <= from - to; k += 1)
        add(stageStart + (stage.durationMs * k) / (from - to), from - k);
    from = to;
    stageStart = end;
  }
  if (zeroEnd) add(stageStart, 0);
  return steps;
}

/**
 * k6 `reserveVUsForGracefulRampDowns`: whenever the raw steps go down, the VUs stay reserved
 * for `gracefulRampDownMs` so the ramped-down VUs can finish their iteration, unless the raw
 * steps climb back within that window. No step is added at or after `endMs`.
 */
function reserveForGracefulRampDowns(
  raw: readonly VuStep[],
  gracefulRampDownMs: number,
  endMs: number,
): VuStep[] {
  const steps: VuStep[] = [];
  let lastPlanned = 0;
  let lastDownwardSlope = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const step = raw[i] as VuStep;
    if (i === 0 || step.vus > lastPlanned) {
      steps.push(step);
      lastPlanned = step.vus;
      continue;
    }
    if (step.vus === lastPlanned) continue;
    const timeout = step.tMs + gracefulRampDownMs;
    let skipped = false;
    let wasRampingDown = true;
    for (let j = Math.max(lastDownwardSlope, i + 1); j < raw.length; j += 1) {
      const ahead = raw[j] as VuStep;
      if (ahead.tMs > timeout) break;
      if (ahead.vus >= lastPlanned) {
        i = j - 1;
        skipped = true;
        break;
      }
      if (wasRampingDown) {
        if ((raw[j - 1] as VuStep).vus > ahead.vus) lastDownwardSlope = j;
        else wasRampingDown = false;
      }
    }
    if (skipped) continue;
    if (timeout >= endMs) break;
    steps.push({ tMs: timeout, vus: step.vus });
    lastPlanned = step.vus;
  }
  return steps;
}

/**
 * ramping-vus planned VUs (k6 `GetExecutionRequirements`): the raw steps with VUs reserved for
 * graceful ramp-downs, ending with 0 VUs at `sum(stages) + gracefulStop` — so gracefulStop can
 * cut a gracefulRampDown short. Its last step is the scenario's hard end.
 */
export function rampingVusPlannedSteps(
  startVUs: number,
  stages: readonly Stage[],
  gracefulRampDownMs: number,
  gracefulStopMs: number,
): VuStep[] {
  const raw = rampingVusRawSteps(startVUs, stages, false);
  const endMs = stages.reduce((sum, s) => sum + s.durationMs, 0) + gracefulStopMs;
  const steps =
    gracefulRampDownMs > 0 ? reserveForGracefulRampDowns(raw, gracefulRampDownMs, endMs) : raw;
  if ((steps.at(-1) as VuStep).vus !== 0) steps.push({ tMs: endMs, vus: 0 });
  return steps;
}
