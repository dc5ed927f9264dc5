import os from "node:os";
import { Worker } from "node:worker_threads";
import type { AsyncWorkerInput } from "./async-worker.ts";
import type { RunFacts } from "./local.ts";
import { mergeIntoRegistry, type RegistrySnapshot } from "./merge.ts";
import { Registry } from "./metrics.ts";
import { plannedVus, type ScenarioPlan } from "./options.ts";
import { workerStart } from "./paths.ts";
import type { ProgressView } from "./progress.ts";
import { segmentPlan, threadTuple } from "./segment.ts";
import type { GroupNode, ScenarioProgress } from "./state.ts";
import { hasSamples, THRESHOLDS_RATE_MS, type Threshold, thresholdPasses } from "./thresholds.ts";

/**
 * How many threads an async-mode run uses: `requested`, else `PERFGATE_ENGINE_THREADS`, else
 * one per core but one, never more than the VUs (so every thread has work). The spare core is
 * for the system under test, which perfgate usually runs on the same machine: on 2 cores with
 * the target on loopback, 2 generator threads measured slower than 1 (`npm run bench:engine`).
 */
export function asyncThreadCount(
  plans: readonly ScenarioPlan[],
  requested: number | undefined,
): number {
  const fromEnv = Number(process.env.PERFGATE_ENGINE_THREADS);
  const wanted =
    requested ??
    (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism() - 1);
  const vus = plans.reduce((sum, p) => sum + p.vus, 0);
  return Math.max(1, Math.min(wanted, vus));
}

export interface ThreadRunInput {
  compiled: string;
  env: Record<string, string>;
  scriptDir: string;
  plans: ScenarioPlan[];
  threads: number;
  thresholdsRaw: unknown;
  thresholds: Threshold[];
  setupData: unknown;
  userAgent: string;
  allowHosts: string[];
  /** The run's controller: aborted on Ctrl+C or test.abort(); aborted here on abortOnFail. */
  controller: AbortController;
  registry: Registry;
  rootGroup: GroupNode;
  /** `exec.test.abort()` / `fail()` in a thread, or an abortOnFail threshold crossed. */
  abort: (reason: string, code: number) => void;
  log: (message: string) => void;
  /** Thresholds that aborted the run (abortOnFail, evaluated on merged snapshots). */
  failed: Set<Threshold>;
  /** Called when the test clock starts, with how to read the live progress. */
  onStart?: ((read: () => ProgressView) => void) | undefined;
  /** Each thread's old-generation heap limit (its share of the memory budget). */
  heapLimitMb: number;
}

/** One thread's latest progress report. */
interface ThreadProgress {
  active: number;
  initialized: number;
  scenarios: [string, ScenarioProgress][];
}

/** The threads' latest progress reports summed into one view. */
function sumProgress(reports: (ThreadProgress | undefined)[], elapsedMs: number): ProgressView {
  const scenarios = new Map<string, ScenarioProgress>();
  let active = 0;
  let initialized = 0;
  for (const report of reports) {
    if (!report) continue;
    active += report.active;
    initialized += report.initialized;
    for (const [name, p] of report.scenarios) {
      const sum = scenarios.get(name) ?? { active: 0, complete: 0, interrupted: 0 };
      sum.active += p.active;
      sum.complete += p.complete;
      sum.interrupted += p.interrupted;
      scenarios.set(name, sum);
    }
  }
  return { elapsedMs, active, initialized, scenarios };
}

type WorkerMessage =
  | { type: "ready" }
  | { type: "log"; message: string }
  | { type: "abort"; reason: string; code: number }
  | { type: "snapshot"; snapshot: RegistrySnapshot }
  | ({ type: "progress" } & ThreadProgress)
  | { type: "done"; snapshot: RegistrySnapshot; initialized: number };

class Thread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly done: Promise<{ snapshot: RegistrySnapshot; initialized: number }>;
  private snapshotWaiters: ((s: RegistrySnapshot) => void)[] = [];
  progress: ThreadProgress | undefined;

  constructor(data: AsyncWorkerInput, input: ThreadRunInput) {
    const start = workerStart("async-worker");
    this.worker = new Worker(start.file, {
      workerData: { entry: start.entry, ...data },
      // A thread whose VUs allocate without end dies alone (ERR_WORKER_OUT_OF_MEMORY), not the process.
      resourceLimits: { maxOldGenerationSizeMb: input.heapLimitMb },
    });
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    this.done = new Promise((resolve, reject) => {
      this.worker.once("error", (error: Error & { code?: string }) =>
        reject(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new Error(
                `engine thread ${data.threadIndex} ran out of memory (heap limit ${input.heapLimitMb} MB, its share of the engine's memory budget; set PERFGATE_ENGINE_MEMORY_MB to raise it)`,
              )
            : error,
        ),
      );
      this.worker.once("exit", (code) =>
        reject(new Error(`engine thread ${data.threadIndex} exited (${code}) before finishing`)),
      );
      this.worker.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") markReady();
        else if (message.type === "log") input.log(message.message);
        else if (message.type === "abort") input.abort(message.reason, message.code);
        else if (message.type === "snapshot") this.snapshotWaiters.shift()?.(message.snapshot);
        else if (message.type === "progress") this.progress = message;
        else if (message.type === "done") resolve(message);
      });
    });
    // A thread that dies during init must not leave `ready` pending forever.
    this.done.catch(() => markReady());
  }

  snapshot(): Promise<RegistrySnapshot> {
    return new Promise((resolve) => {
      this.snapshotWaiters.push(resolve);
      this.worker.postMessage({ type: "snapshot" });
    });
  }
}

/**
 * Runs an async-mode test on `threads` worker threads, thread i running execution segment
 * i/n of every scenario (k6's segment math, so the threads add up to the whole test). Each
 * thread has its own VUs, undici agent and metrics; their final snapshots are merged exactly
 * into `input.registry`. abortOnFail thresholds are evaluated every 2 s on merged snapshots.
 */
export async function runOnThreads(input: ThreadRunInput): Promise<RunFacts> {
  const memoryBefore = process.memoryUsage().rss;
  const threads = Array.from({ length: input.threads }, (_, i) => {
    const tuple = threadTuple(i, input.threads);
    const plans = input.plans
      .map((plan) => segmentPlan(plan, tuple))
      .filter((p): p is ScenarioPlan => p !== undefined);
    return new Thread(
      {
        compiled: input.compiled,
        env: input.env,
        scriptDir: input.scriptDir,
        plans,
        thresholds: input.thresholdsRaw,
        setupData: input.setupData,
        threadIndex: i,
        threadCount: input.threads,
        userAgent: input.userAgent,
        allowHosts: input.allowHosts,
      },
      input,
    );
  });
  const stopAll = () => {
    for (const thread of threads) thread.worker.postMessage({ type: "abort" });
  };
  const signal = input.controller.signal;
  signal.addEventListener("abort", stopAll, { once: true });
  let startedAt = performance.now();
  let ticker: NodeJS.Timeout | undefined;
  try {
    await Promise.all(threads.map((t) => t.ready));
    const planned = plannedVus(input.plans);
    // Includes the threads' own heaps: that is what the VUs cost in this mode.
    const rssPerVu =
      planned > 0 ? Math.max(0, process.memoryUsage().rss - memoryBefore) / planned : 0;
    startedAt = performance.now();
    for (const thread of threads) thread.worker.postMessage({ type: "start" });
    input.onStart?.(() =>
      sumProgress(
        threads.map((t) => t.progress),
        performance.now() - startedAt,
      ),
    );
    // An abort during thread start-up came before the listener could tell the threads.
    if (signal.aborted) stopAll();
    const watched = input.thresholds.filter((t) => t.abortOnFail);
    let evaluating = false;
    if (watched.length > 0) {
      ticker = setInterval(() => {
        if (evaluating) return;
        evaluating = true;
        void evaluateLive(threads, input, watched, startedAt).finally(() => {
          evaluating = false;
        });
      }, THRESHOLDS_RATE_MS);
    }
    // A thread that dies (out of its heap) stops the others; what they measured is kept.
    for (const thread of threads) thread.done.catch(() => input.controller.abort());
    const settled = await Promise.allSettled(threads.map((t) => t.done));
    const durationMs = performance.now() - startedAt;
    const results = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    for (const { snapshot } of results)
      mergeIntoRegistry(input.registry, input.rootGroup, snapshot);
    const failures = settled.flatMap((r) =>
      r.status === "rejected" ? [(r.reason as Error)?.message ?? String(r.reason)] : [],
    );
    return {
      durationMs,
      rssPerVu,
      initialized: results.reduce((sum, r) => sum + r.initialized, 0),
      ...(failures.length > 0 ? { failure: failures.join("; ") } : {}),
    };
  } finally {
    clearInterval(ticker);
    signal.removeEventListener("abort", stopAll);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

async function evaluateLive(
  threads: Thread[],
  input: ThreadRunInput,
  watched: Threshold[],
  startedAt: number,
): Promise<void> {
  const snapshots = await Promise.all(threads.map((t) => t.snapshot()));
  const merged = new Registry();
  const root = { name: "", path: "", groups: new Map(), checks: new Map() };
  for (const snapshot of snapshots) mergeIntoRegistry(merged, root, snapshot);
  const elapsed = performance.now() - startedAt;
  for (const threshold of watched) {
    if (!hasSamples(threshold, merged)) continue;
    if (thresholdPasses(threshold, merged, elapsed / 1000)) continue;
    if (elapsed > threshold.delayAbortEvalMs && !input.controller.signal.aborted) {
      input.failed.add(threshold);
      input.log(
        `threshold ${threshold.metric}: ${threshold.source} crossed; aborting (abortOnFail)`,
      );
      input.controller.abort();
    }
  }
}
