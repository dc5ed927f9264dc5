import { type ExecutorContext, runScenarioPlan } from "./executors.ts";
import type { Registry } from "./metrics.ts";
import { plannedVus, type ScenarioPlan } from "./options.ts";
import type { ProgressView } from "./progress.ts";
import { memoryBudgetMb, threadHeapLimitMb } from "./resource-budget.ts";
import { scenarioProgress } from "./state.ts";
import { SyncVu } from "./sync-vu.ts";
import { type EngineVu, initAsyncVu } from "./vu.ts";
import { ASYNC_START_BATCH, SYNC_START_BATCH, startVus, WarmVus } from "./vu-startup.ts";

export interface LocalRunInput {
  scenarios: ScenarioPlan[];
  compiled: string;
  /** Set in sync mode: each VU then runs this build on its own thread. */
  syncCompiled: string | undefined;
  env: Record<string, string>;
  scriptDir: string;
  setupData: unknown;
  registry: Registry;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Called every second while the test runs (abortOnFail thresholds). */
  onTick: (elapsedMs: number) => void;
  /**
   * Awaited once the planned VUs are initialised, before the clock starts (the REST API's pause
   * and setup, in k6's order); returns the setup data, which replaces `setupData`.
   */
  beforeClock?: (() => Promise<unknown>) | undefined;
  /** Called when the test clock starts, with how to read the live progress. */
  onStart?: ((read: () => ProgressView) => void) | undefined;
}

/** What a run reports besides its metrics. */
export interface RunFacts {
  durationMs: number;
  initialized: number;
  /** RSS the planned VUs cost (their init contexts, and threads where they have them). */
  rssPerVu: number;
  /** Why an engine thread died (threads.ts); the others' metrics are still in the summary. */
  failure?: string;
}

/** A VU's init context; its exception named as k6 names it ("error while initializing VU #1"). */
async function initialised(
  createVu: (id: number) => Promise<EngineVu>,
  id: number,
): Promise<EngineVu> {
  try {
    return await createVu(id);
  } catch (error) {
    throw new Error(`error while initializing VU #${id}: ${(error as Error)?.message ?? error}`);
  }
}

/**
 * The planned VUs, started before the clock; undefined when one could not start: as k6, the
 * test does not start (run.ts then warns that no VU started, exit 107).
 */
async function warmUp(
  input: LocalRunInput,
  planned: number,
  createVu: (id: number) => Promise<EngineVu>,
): Promise<EngineVu[] | undefined> {
  try {
    return await startVus(planned, (i) => initialised(createVu, i + 1), {
      batch: input.syncCompiled ? SYNC_START_BATCH : ASYNC_START_BATCH,
      signal: input.signal,
    });
  } catch (error) {
    input.log(`level=error msg=${JSON.stringify((error as Error).message)}`);
    return undefined;
  }
}

/** Runs every scenario on this thread (async mode) or with one thread per VU (sync mode). */
export async function runLocally(input: LocalRunInput): Promise<RunFacts> {
  const { registry } = input;
  // VU 0 (options, setup, teardown) is not a test VU; k6 does not count it either.
  const vuCount = { active: 0, initialized: 0 };
  const syncVus: SyncVu[] = [];
  const memoryBefore = process.memoryUsage().rss;
  const syncCompiled = input.syncCompiled;
  const planned = plannedVus(input.scenarios);
  // Each VU thread's share of the memory budget: one that allocates without end fails alone.
  const heapLimitMb = threadHeapLimitMb(memoryBudgetMb(input.env), planned);
  const createVu = async (id: number): Promise<EngineVu> => {
    if (!syncCompiled) return initAsyncVu(input.compiled, id);
    const vu = new SyncVu(id, syncCompiled, input.env, input.scriptDir, heapLimitMb);
    syncVus.push(vu);
    await vu.ready;
    return vu;
  };
  // Like k6, initialise the VUs a test plans for before its clock starts.
  const warmList = await warmUp(input, planned, createVu);
  if (!warmList) {
    await Promise.all(syncVus.map((vu) => vu.close()));
    return { durationMs: 0, initialized: 0, rssPerVu: 0 };
  }
  const warm = new WarmVus(warmList);
  let nextId = planned + 1;
  const rssPerVu =
    planned > 0 ? Math.max(0, process.memoryUsage().rss - memoryBefore) / planned : 0;
  if (input.signal.aborted) {
    // Stopped while VUs started: no test clock, the summary says what there is.
    await Promise.all(syncVus.map((vu) => vu.close()));
    return { durationMs: 0, initialized: 0, rssPerVu };
  }
  let data = input.setupData;
  if (input.beforeClock) {
    try {
      data = await input.beforeClock();
    } catch (error) {
      await Promise.all(syncVus.map((vu) => vu.close()));
      throw error;
    }
  }
  const startedAt = performance.now();
  input.onStart?.(() => ({
    elapsedMs: performance.now() - startedAt,
    active: vuCount.active,
    initialized: vuCount.initialized,
    scenarios: scenarioProgress,
  }));
  const context: ExecutorContext = {
    createVu: async (id) => warm.take() ?? createVu(id),
    data,
    signal: input.signal,
    log: input.log,
    nextVuId: () => (warm.left > 0 ? 0 : nextId++),
    vuCount,
  };
  const ticker = setInterval(() => {
    registry.add("vus", vuCount.active, {});
    registry.add("vus_max", vuCount.initialized, {});
    input.onTick(performance.now() - startedAt);
  }, 1000);
  try {
    await Promise.all(input.scenarios.map((plan) => runScenarioPlan(plan, context)));
  } finally {
    clearInterval(ticker);
    registry.add("vus", 0, {});
    registry.add("vus_max", vuCount.initialized, {});
  }
  const durationMs = performance.now() - startedAt;
  registry.frozen = true;
  await Promise.all(syncVus.map((vu) => vu.close()));
  return { durationMs, initialized: vuCount.initialized, rssPerVu };
}
