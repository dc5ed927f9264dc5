/**
 * The instruction-mode body of the microbench worker, run under callgrind (see
 * microbench-instructions.ts). Nothing here reads a clock: every loop is a fixed count, so the
 * instructions executed depend only on the code, the input seed and the V8 flags, never on how
 * busy the machine is.
 */
import os from "node:os";

export interface InstructionPlan {
  /** Calls in the first measured region; the second has twice as many. */
  calls: number;
  /** Untimed calls after set-up, so the regions run optimized code (fixed count, not time). */
  warmupCalls: number;
  /** Iterations of `spin` added to every call (evaluation's injected regression), default 0. */
  extraWork: number;
  /** Also bracket spin(n) and spin(2n), so a caller can size `extraWork` in instructions. */
  spinIterations?: number;
}

/**
 * The marker callgrind dumps its counters before (`--dump-before=node::os::GetPriority*`).
 * Nothing else in a worker calls os.getPriority, so every dump is one of ours.
 */
export const MARKER_SYMBOL = "node::os::GetPriority*";
function mark(): void {
  os.getPriority();
}

let sink = 0;
/** Deterministic integer work: a linear congruential step per iteration, kept live by `sink`. */
export function spin(iterations: number): number {
  let x = sink | 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
  return x;
}

/** A case's call with `extra` spin iterations after it (the +N% of the evaluation). */
export function withExtraWork<T>(run: () => T, extra: number): () => T {
  if (extra <= 0) return run;
  return () => {
    const result = run();
    spin(extra);
    return result;
  };
}

/** One region: a full GC outside it (so both start from a collected heap), then the work. */
function region(body: () => void): void {
  (globalThis as { gc?: () => void }).gc?.();
  mark();
  body();
  mark();
}

/**
 * Warm-up, then regions in a fixed order. Callgrind numbers a dump before each marker, so region
 * r is dump 2r + 2 (odd dumps cover the GCs between regions and are ignored):
 * - dump 2: `calls` calls, kept only to show left-over warm-up work (the first region after the
 *   first forced GC re-optimizes code the GC threw away: up to 3x the steady cost, measured);
 * - dump 4: `calls` calls; dump 6: `2·calls` calls: per call = (dump 6 − dump 4) / calls;
 * - dumps 8, 10, 12: the same for spin(n), spin(n), spin(2n) when `spinIterations` is set.
 */
export const REGION_DUMPS = { first: 2, single: 4, double: 6, spin: { single: 10, double: 12 } };

export function measureInstructions(run: () => unknown, plan: InstructionPlan): void {
  const call = withExtraWork(run, plan.extraWork);
  for (let i = 0; i < plan.warmupCalls; i++) call();
  for (const calls of [plan.calls, plan.calls, 2 * plan.calls]) {
    region(() => {
      for (let i = 0; i < calls; i++) call();
    });
  }
  const n = plan.spinIterations;
  if (n !== undefined && n > 0) {
    for (let i = 0; i < 20; i++) spin(n);
    for (const iterations of [n, n, 2 * n]) region(() => spin(iterations));
  }
}
