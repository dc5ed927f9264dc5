import { setTimeout as delay } from "node:timers/promises";
import {
  rampingArrivalStarts,
  rampingVusAt,
  type ScenarioPlan,
  totalDurationMs,
} from "./options.ts";
import { type Stripes, scaleByStripes } from "./segment.ts";
import { engineState } from "./state.ts";
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

/** Waits for `loops`, but no longer than `hardStopAt` (regular end + gracefulStop) or an abort. */
async function settle(
  loops: Promise<unknown>[],
  hardStopAt: number,
  signal: AbortSignal,
): Promise<void> {
  const all = Promise.allSettled(loops);
  while (now() < hardStopAt && !signal.aborted) {
    const done = await Promise.race([
      all.then(() => true),
      delay(Math.min(100, Math.max(1, hardStopAt - now()))).then(() => false),
    ]);
    if (done) return;
  }
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
): Promise<void> {
  let iteration = 0;
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
      try {
        await vu.runIteration(plan, n, ctx.data, ctx.log);
      } finally {
        ctx.vuCount.active -= 1;
      }
    }
  });
  await settle(loops, regularEnd + plan.gracefulStopMs, ctx.signal);
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
    await closedLoop(
      plan,
      ctx,
      vus,
      (i) => {
        const whole = rampingVusAt(plan.startVUs, plan.stages, now() - start);
        // A segment owns the striped share of the whole test's active VU numbers (k6's raw steps).
        const active = plan.stripes ? scaleByStripes(plan.stripes, whole) : whole;
        return i < active ? true : "idle";
      },
      regularEnd,
    );
  }
}

/**
 * Open-model executors: iterations start on a timetable whatever the latency. A due start with
 * no idle VU is dropped (never queued), as in k6; `schedule_lag` records due -> actual start.
 */
async function runArrival(plan: ScenarioPlan, ctx: ExecutorContext): Promise<void> {
  const durationMs = totalDurationMs(plan);
  const starts =
    plan.executor === "constant-arrival-rate"
      ? Array.from(
          { length: Math.ceil((durationMs * plan.rate) / plan.timeUnitMs) },
          (_, i) => (i * plan.timeUnitMs) / plan.rate,
        )
      : rampingArrivalStarts(plan.startRate, plan.timeUnitMs, plan.stages);
  // A segment starts only the global iteration numbers striped to it, at their global times.
  const owned = plan.stripes ? stripeSet(plan.stripes) : undefined;
  const idle = await initVus(ctx, plan.preAllocatedVUs);
  let allocated = idle.length;
  let growing = false;
  const registry = engineState().registry;
  const running: Promise<void>[] = [];
  const start = now();
  let warned = false;
  for (const [n, offset] of starts.entries()) {
    if (offset >= durationMs) break;
    if (owned && !owned.has(n % (plan.stripes?.lcd ?? 1))) continue;
    const due = start + offset;
    // Sleep while the start is far; yield (never spin) while it is near, so responses of
    // running iterations are processed and their VUs return to the idle pool in time.
    while (now() < due && !ctx.signal.aborted) {
      const wait = due - now();
      if (wait > 2) await delay(wait - 1);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (ctx.signal.aborted) break;
    const vu = idle.pop();
    if (!vu) {
      registry.add("dropped_iterations", 1, { scenario: plan.name });
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
      continue;
    }
    registry.add("schedule_lag", now() - due, { scenario: plan.name });
    ctx.vuCount.active += 1;
    running.push(
      vu.runIteration(plan, n, ctx.data, ctx.log).finally(() => {
        ctx.vuCount.active -= 1;
        idle.push(vu);
        // Latency as the open-model user sees it: from the intended start, not the actual one,
        // so a slow system cannot hide its queueing (coordinated omission).
        registry.add("iteration_duration_corrected", now() - due, { scenario: plan.name });
      }),
    );
    if (running.length > 10_000) running.splice(0, running.length - 10_000);
  }
  await settle(running, start + durationMs + plan.gracefulStopMs, ctx.signal);
}

export async function runScenarioPlan(plan: ScenarioPlan, ctx: ExecutorContext): Promise<void> {
  if (plan.startTimeMs > 0)
    await delay(plan.startTimeMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  if (ctx.signal.aborted) return;
  if (plan.executor.endsWith("arrival-rate")) await runArrival(plan, ctx);
  else await runClosed(plan, ctx);
}
