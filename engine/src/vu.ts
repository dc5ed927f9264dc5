import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { setTestOptions } from "./modules/execution.ts";
import type { ScenarioPlan } from "./options.ts";
import { engineState, isInterrupted, sampleTags, type VuContext, vuStorage } from "./state.ts";
import { instantiate } from "./vu-factory.ts";

export type ScriptExports = Record<string, unknown> & { options?: Record<string, unknown> };

/** What executors drive: an async-mode VU here, or a sync-mode VU on its own thread (sync-vu.ts). */
export interface EngineVu {
  id: number;
  runIteration(
    plan: ScenarioPlan,
    iterationInScenario: number,
    data: unknown,
    log: IterationLog,
  ): Promise<void>;
}

/** Async mode: many VUs share this thread; each has its own init context. */
export async function initAsyncVu(compiled: string, id: number): Promise<EngineVu> {
  const vu = await initVu(compiled, id);
  return { id, runIteration: (plan, n, data, log) => runIteration(vu, plan, n, data, log) };
}

/** One virtual user: its own copy of the script's init context, as in k6. */
export interface Vu {
  id: number;
  exports: ScriptExports;
  iter: number;
}

/** Runs the init context for VU `id` (module-level code sees `__VU === id`). */
export async function initVu(compiled: string, id: number): Promise<Vu> {
  const context: VuContext = {
    vu: id,
    iter: 0,
    scenario: "",
    iterationInScenario: 0,
    groupPath: "",
    tags: {},
    pendingSleepMs: 0,
  };
  // A `.cjs` build is a factory called per VU (vu-factory.ts); an ES module (sync-mode threads,
  // scripts with top-level await) is imported once per VU under its own URL.
  const exports = (await vuStorage.run(context, () =>
    compiled.endsWith(".cjs")
      ? instantiate(compiled)
      : import(`${pathToFileURL(compiled).href}?vu=${id}`),
  )) as ScriptExports;
  setTestOptions(exports.options);
  return { id, exports, iter: 0 };
}

export type IterationLog = (message: string) => void;

/** An iteration's exception as k6 logs it: the message, then the stack's frames. */
export function describeError(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const frames = (cause.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [cause.message, ...frames.map((f) => `\t${f.trim()}`)].join("\n");
}

/**
 * Runs one iteration of `fn` as `context` (async and sync mode share it). Exceptions inside
 * iterations are returned, not thrown: k6 logs them and the test goes on. A sleep requested
 * without `await` is served before the iteration ends, inside iteration_duration.
 */
export async function executeIteration(
  fn: unknown,
  exec: string,
  context: VuContext,
  data: unknown,
): Promise<string | undefined> {
  let error: string | undefined;
  const started = performance.now();
  const run = engineState();
  await vuStorage.run(context, async () => {
    try {
      if (typeof fn !== "function")
        throw new Error(`function "${exec}" is not exported by the script`);
      await fn(data);
    } catch (cause) {
      error = describeError(cause);
    }
    if (context.pendingSleepMs > 0) await delay(context.pendingSleepMs);
    // An iteration cut off by an abort can end after the next run in this process has started
    // (which clears the interrupted marks); it belongs to the finished run and counts nowhere.
    if (engineState() !== run || isInterrupted(context.scenario, context.iterationInScenario)) {
      error = undefined;
      return;
    }
    const registry = engineState().registry;
    registry.add("iteration_duration", performance.now() - started, sampleTags());
    registry.add("iterations", 1, sampleTags());
  });
  return error;
}

const scenarioEnvs = new WeakMap<object, Map<string, Record<string, string>>>();

/** The run's env with a scenario's `env` over it, built once per scenario of a run. */
function scenarioEnv(name: string, env: Record<string, string>): Record<string, string> {
  const state = engineState();
  let byName = scenarioEnvs.get(state);
  if (!byName) {
    byName = new Map();
    scenarioEnvs.set(state, byName);
  }
  let merged = byName.get(name);
  if (!merged) {
    merged = { ...state.env, ...env };
    byName.set(name, merged);
  }
  return merged;
}

/** The per-iteration context of a VU in a scenario. */
export function iterationContext(
  vu: number,
  iter: number,
  plan: {
    name: string;
    executor?: string | undefined;
    tags: Record<string, string>;
    env: Record<string, string>;
  },
  iterationInScenario: number,
): VuContext {
  return {
    vu,
    iter,
    scenario: plan.name,
    executor: plan.executor,
    iterationInScenario,
    groupPath: "",
    // A copy: `exec.vu.metrics.tags` may change it without touching other VUs.
    tags: { ...plan.tags },
    pendingSleepMs: 0,
    env: Object.keys(plan.env).length > 0 ? scenarioEnv(plan.name, plan.env) : undefined,
  };
}

/** One iteration of an async-mode VU. */
export async function runIteration(
  vu: Vu,
  plan: ScenarioPlan,
  iterationInScenario: number,
  data: unknown,
  log: IterationLog,
): Promise<void> {
  const context = iterationContext(vu.id, vu.iter, plan, iterationInScenario);
  vu.iter += 1;
  const started = performance.now();
  const error = await executeIteration(
    vu.exports[plan.exec],
    plan.exec,
    context,
    structuredClone(data),
  );
  if (error) log(`Uncaught error in VU ${vu.id} (scenario ${plan.name}): ${error}`);
  await padIteration(plan.name, iterationInScenario, started);
}

/**
 * k6's `minIterationDuration`: a full iteration shorter than it is followed by a pause, outside
 * `iteration_duration` (k6 sleeps after emitting the iteration's metrics).
 */
export async function padIteration(scenario: string, n: number, started: number): Promise<void> {
  const min = engineState().http?.minIterationDurationMs ?? 0;
  const left = min - (performance.now() - started);
  if (left > 0 && !isInterrupted(scenario, n)) await delay(left);
}
