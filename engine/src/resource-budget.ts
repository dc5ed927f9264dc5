import os from "node:os";
import type { EngineMode } from "./script.ts";

/**
 * How much memory a run's VUs may take, and what each VU is expected to cost. k6 has no such
 * guard (it starts 100,000 VUs slowly until the machine swaps); the built-in engine refuses at
 * start a test whose VUs cannot fit, instead of growing for minutes and being killed.
 */

/** A sync-mode VU is a worker thread: its isolate, its copy of the shims, its stack (~24 MB RSS measured). */
const SYNC_VU_MB = 24;
/** An async-mode VU is an init context on a shared thread: its module state and closures. */
const ASYNC_VU_MB = 0.05;
/** No thread gets less heap than this, however many share the budget: the shims need it. */
const MIN_THREAD_HEAP_MB = 128;

/**
 * The run's memory budget in MB: `PERFGATE_ENGINE_MEMORY_MB`, else half of the machine's (or
 * the cgroup's) memory, leaving the rest to the system under test, usually on the same host.
 */
export function memoryBudgetMb(env: Record<string, string | undefined>): number {
  const set = Number(env.PERFGATE_ENGINE_MEMORY_MB);
  if (Number.isFinite(set) && set > 0) return Math.floor(set);
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = constrained > 0 ? Math.min(constrained, os.totalmem()) : os.totalmem();
  return Math.floor(total / 2 / 1024 / 1024);
}

/** The expected cost of one VU in MB: the mode's own cost plus what the script's init holds. */
export function vuCostMb(mode: EngineMode, initHeapMb: number): number {
  return (mode === "sync" ? SYNC_VU_MB : ASYNC_VU_MB) + Math.max(0, initHeapMb);
}

export interface VuBudgetInput {
  mode: EngineMode;
  vus: number;
  /** Heap one init context took, measured (init-probe.ts). */
  initHeapMb: number;
  budgetMb: number;
  /** Where the VU count came from, for the message: `--vus` or the script's options. */
  source: string;
}

/** Why the planned VUs cannot fit in the budget, naming what to change; undefined when they fit. */
export function vuBudgetProblem(input: VuBudgetInput): string | undefined {
  const { mode, vus, initHeapMb, budgetMb, source } = input;
  const perVu = vuCostMb(mode, initHeapMb);
  const needMb = Math.ceil(vus * perVu);
  if (needMb <= budgetMb) return undefined;
  const fit = Math.max(1, Math.floor(budgetMb / perVu));
  const modeText = mode === "sync" ? "a thread per VU" : "async mode";
  return `${source}: ${vus} VUs need ~${needMb} MB (~${perVu.toFixed(2)} MB per VU in ${modeText}), over the engine's memory budget of ${budgetMb} MB; at most ~${fit} VUs fit: lower the VUs, or set PERFGATE_ENGINE_MEMORY_MB to a larger budget`;
}

/** The old-generation heap limit of each of `threads` threads sharing the budget. */
export function threadHeapLimitMb(budgetMb: number, threads: number): number {
  return Math.max(MIN_THREAD_HEAP_MB, Math.floor(budgetMb / Math.max(1, threads)));
}
