import { setTimeout as delay } from "node:timers/promises";
import {
  rampingArrivalStarts,
  rampingVusAt,
  type ScenarioPlan,
  totalDurationMs,
} from "./options.ts";
import { type Stripes, scaleByStripes } from "./segment.ts";
import {
  engineState,
  epochNow,
  interruptIteration,
  interruptScenario,
  isInterrupted,
  progressOf,
  setScenarioDeadline,
} from "./state.ts";
import type { EngineVu, IterationLog } from "./vu.ts";

export interface ExecutorContext {
  /** Creates and initialises one VU (async or sync mode). */
  createVu: (id: number) => Promise<EngineVu>;
  data: unknown;
  /** Aborted on Ctrl+C, exec.test.abort() or an abortOnFail threshold. */
  signal: AbortSignal;
  log: IterationLog;
  nextVuId: () => number;
  vuCount: { active: number; initialized: number };
}

const now = () => performance.now();

/** The residues modulo the LCD that a segment's stripes own. */
function stripeSet(stripes: Stripes): Set<number> {
  const owned = new Set<number>();
  for (let k = 0, i = stripes.start; i < stripes.lcd; i += stripes.offsets[k] as number, k += 1)
    owned.add(i);
  return owned;
}

/**
 * Waits for `loops`, but no longer than `hardStopAt` (regular end + gracefulStop) or an abort;
 * then the scenario's iterations still running are interrupted (they emit nothing more).
 */
async function settle(
  loops: Promise<unknown>[],
  hardStopAt: number,
  signal: AbortSignal,
  scenario: string,
): Promise<void> {
  const all = Promise.allSettled(loops);
  while (now() < hardStopAt && !signal.aborted) {
    const done = await Promise.race([
      all.then(() => true),
      delay(Math.min(100, Math.max(1, hardStopAt - now()))).then(() => false),
    ]);
    if (done) return;
  }
  interruptScenario(scenario);
  // Iterations still running are cut off now; any that ends later is not counted again.
  const progress = progressOf(scenario);
  progress.interrupted += progress.active;
  progress.active = 0;
  stopped.add(progress);
}

const stopped = new WeakSet<object>();

/** Runs one iteration and counts it for the live progress: complete, or interrupted. */
async function counted(plan: ScenarioPlan, n: number, run: () => Promise<void>): Promise<void> {
  const progress = progressOf(plan.name);
  progress.active += 1;
  try {
    await run();
  } finally {
    if (!stopped.has(progress)) {
      progress.active -= 1;
      if (isInterrupted(plan.name, n)) progress.interrupted += 1;
      else progress.complete += 1;
    }
  }
}

/** The scenario's hard stop, for the loop guard of busy iterations (modules/runtime.ts). */
function markHardStop(plan: ScenarioPlan, hardStopAt: number): void {
  setScenarioDeadline(plan.name, epochNow() + (hardStopAt - now()));
}

async function initVus(ctx: ExecutorContext, count: number): Promise<EngineVu[]> {
  const vus: EngineVu[] = [];
  for (let i = 0; i < count; i += 1) {
    vus.push(await ctx.createVu(ctx.nextVuId()));
    ctx.vuCount.initialized += 1;
  }
  return vus;
}

async function closedLoop(
  plan: ScenarioPlan,
  ctx: ExecutorContext,
  vus: EngineVu[],
  shouldContinue: (vuIndex: number, started: number) => boolean | "idle",
  regularEnd: number,
  /** When given, holds the iteration number each VU (by index) is running, if any. */
  running?: (number | undefined)[],
): Promise<void> {
  let iteration = 0;
  markHardStop(plan, regularEnd + plan.gracefulStopMs);
  const loops = vus.map(async (vu, index) => {
    for (;;) {
      if (ctx.signal.aborted || now() >= regularEnd) return;
      const decision = shouldContinue(index, iteration);
      if (decision === false) return;
      if (decision === "idle") {
        await delay(20);
        continue;
      }
      const n = iteration++;
      ctx.vuCount.active += 1;
      if (running) running[index] = n;
      try {
        await counted(plan, n, () => vu.runIteration(plan, n, ctx.data, ctx.log));
      } finally {
        ctx.vuCount.active -= 1;
        if (running) running[index] = undefined;
      }
    }
  });
  await settle(loops, regularEnd + plan.gracefulStopMs, ctx.signal, plan.name);
}

/** Closed-model executors: VUs loop iterations back to back. */
async function runClosed(plan: ScenarioPlan, ctx: ExecutorContext): Promise<void> {
  const start = now();
  const regularEnd = start + totalDurationMs(plan);
  const vus = await initVus(ctx, plan.vus);
  const registry = engineState().registry;
  if (plan.executor === "shared-iterations") {
    let handed = 0;
    await closedLoop(plan, ctx, vus, () => handed++ < plan.iterations, regularEnd);
    const dropped = plan.iterations - Math.min(handed, plan.iterations);
    if (dropped > 0) registry.add("dropped_iterations", dropped, { scenario: plan.name });
  } else if (plan.executor === "per-vu-iterations") {
    const started = vus.map(() => 0);
    const next = (i: number) => {
      const count = started[i] ?? 0;
      if (count >= plan.iterations) return false;
      started[i] = count + 1;
      return true;
    };
    await closedLoop(plan, ctx, vus, next, regularEnd);
    for (const [i, count] of started.entries()) {
      if (count < plan.iterations) {
        registry.add("dropped_iterations", plan.iterations - count, {
          scenario: plan.name,
          vu: String(vus[i]?.id ?? 0),
        });
      }
    }
  } else if (plan.executor === "constant-vus") {
    await closedLoop(plan, ctx, vus, () => true, regularEnd);
  } else {
    await runRampingVus(plan, ctx, vus, start, regularEnd);
  }
}

/**
 * ramping-vus: VU i runs while i is below the active count (k6's raw steps). A VU ramped down
 * mid-iteration finishes it, but one still running `gracefulRampDown` later is interrupted, as
 * k6's vu_handle hardStop does; VUs still active at the regular end get gracefulStop instead.
 */
async function runRampingVus(
  plan: ScenarioPlan,
  ctx: ExecutorContext,
  vus: EngineVu[],
  start: number,
  regularEnd: number,
): Promise<void> {
  const activeNow = () => {
    const whole = rampingVusAt(plan.startVUs, plan.stages, now() - start);
    // A segment owns the striped share of the whole test's active VU numbers (k6's raw steps).
    return plan.stripes ? scaleByStripes(plan.stripes, whole) : whole;
  };
  const running: (number | undefined)[] = [];
  const rampedDownAt = new Map<number, number>();
  const watcher = setInterval(() => {
    const t = now();
    const active = t < regularEnd ? activeNow() : Number.POSITIVE_INFINITY;
    for (const [i, n] of running.entries()) {
      if (n === undefined) continue;
      if (i < active && t < regularEnd) rampedDownAt.delete(n);
      else if (i >= active && !rampedDownAt.has(n)) rampedDownAt.set(n, t);
      const since = rampedDownAt.get(n);
      if (since !== undefined && t - since >= plan.gracefulRampDownMs)
        interruptIteration(plan.name, n);
    }
  }, 20);
  try {
    await closedLoop(plan, ctx, vus, (i) => (i < activeNow() ? true : "idle"), regularEnd, running);
  } finally {
    clearInterval(watcher);
  }
}

/**
 * Open-model executors: iterations start on a timetable whatever the latency. A due start with
 * no idle VU is dropped (never queued), as in k6; `schedule_lag` records due -> actual start.
 *
 * Due starts are launched in batches whenever this thread gets control: on a timer set for the
 * next due start and whenever an iteration ends. A busy-wait (setImmediate loop) was more
 * precise on an idle machine but burned a core, and on a loaded one the OS then scheduled the
 * generator later, not sooner (`npm run bench:engine`).
 */
async function runArrival(plan: ScenarioPlan, ctx: ExecutorContext): Promise<void> {
  const durationMs = totalDurationMs(plan);
  const ramping =
    plan.executor === "constant-arrival-rate"
      ? undefined
      : rampingArrivalStarts(plan.startRate, plan.timeUnitMs, plan.stages);
  const total = ramping ? ramping.length : Math.ceil((durationMs * plan.rate) / plan.timeUnitMs);
  const offsetOf = (n: number) =>
    ramping ? (ramping[n] as number) : (n * plan.timeUnitMs) / plan.rate;
  // A segment starts only the global iteration numbers striped to it, at their global times.
  const owned = plan.stripes ? stripeSet(plan.stripes) : undefined;
  const lcd = plan.stripes?.lcd ?? 1;
  const idle = await initVus(ctx, plan.preAllocatedVUs);
  let allocated = idle.length;
  let growing = false;
  const registry = engineState().registry;
  const tags = { scenario: plan.name };
  const running = new Set<Promise<void>>();
  let warned = false;
  let next = 0;
  const start = now();
  markHardStop(plan, start + durationMs + plan.gracefulStopMs);

  const drop = () => {
    registry.add("dropped_iterations", 1, tags);
    if (allocated < plan.maxVUs && !growing) {
      growing = true;
      allocated += 1;
      void initVus(ctx, 1).then(([fresh]) => {
        if (fresh) idle.push(fresh);
        growing = false;
      });
    } else if (allocated >= plan.maxVUs && !warned) {
      warned = true;
      ctx.log(
        `Insufficient VUs, reached ${plan.maxVUs} active VUs and cannot initialize more (scenario ${plan.name})`,
      );
    }
  };
  const launch = (vu: EngineVu, n: number, due: number) => {
    registry.add("schedule_lag", now() - due, tags);
    ctx.vuCount.active += 1;
    const run = () => vu.runIteration(plan, n, ctx.data, ctx.log);
    const iteration: Promise<void> = counted(plan, n, run).finally(() => {
      ctx.vuCount.active -= 1;
      idle.push(vu);
      running.delete(iteration);
      // Latency as the open-model user sees it: from the intended start, not the actual one,
      // so a slow system cannot hide its queueing (coordinated omission).
      registry.add("iteration_duration_corrected", now() - due, tags);
      startDue();
    });
    running.add(iteration);
  };
  /** Starts (or drops) every start that is due now; true once the timetable is done. */
  function startDue(): boolean {
    if (ctx.signal.aborted) return true;
    const t = now();
    for (; next < total; next += 1) {
      const offset = offsetOf(next);
      if (offset >= durationMs) return true;
      if (owned && !owned.has(next % lcd)) continue;
      const due = start + offset;
      if (due > t) return false;
      const vu = idle.pop();
      if (vu) launch(vu, next, due);
      else drop();
    }
    return true;
  }
  /** When the next owned start is due, or undefined when none is left. */
  const nextDue = (): number | undefined => {
    for (let n = next; n < total; n += 1) {
      const offset = offsetOf(n);
      if (offset >= durationMs) return undefined;
      if (!owned || owned.has(n % lcd)) return start + offset;
    }
    return undefined;
  };

  await new Promise<void>((finish) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", stop);
      finish();
    };
    const tick = () => {
      const due = startDue() ? undefined : nextDue();
      if (due === undefined) return stop();
      // Timers fire on whole milliseconds (at least 1 ms out): starts due sooner are taken by
      // the next tick or by an iteration ending before it.
      timer = setTimeout(tick, Math.max(0, Math.floor(due - now())));
    };
    ctx.signal.addEventListener("abort", stop, { once: true });
    tick();
  });
  await settle([...running], start + durationMs + plan.gracefulStopMs, ctx.signal, plan.name);
}

export async function runScenarioPlan(plan: ScenarioPlan, ctx: ExecutorContext): Promise<void> {
  if (plan.startTimeMs > 0)
    await delay(plan.startTimeMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  if (ctx.signal.aborted) return;
  if (plan.executor.endsWith("arrival-rate")) await runArrival(plan, ctx);
  else await runClosed(plan, ctx);
}
