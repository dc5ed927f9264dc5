import { type RunFacts, runLocally } from "./local.ts";
import { LiveProgress, type ProgressView } from "./progress.ts";
import { memoryBudgetMb, threadHeapLimitMb } from "./resource-budget.ts";
import { EXECUTION_STATUS } from "./rest-api.ts";
import { K6_EXIT, type RunContext, USER_AGENT } from "./run-context.ts";
import type { RunLifecycle } from "./run-lifecycle.ts";
import type { PreparedScript, RunPlan } from "./run-plan.ts";
import { engineState } from "./state.ts";
import { runOnThreads } from "./threads.ts";
import { hasSamples, THRESHOLDS_RATE_MS, type Threshold, thresholdPasses } from "./thresholds.ts";

export interface ThresholdCheck {
  failed: Set<Threshold>;
  evaluate: (final: boolean, elapsedMs: number) => void;
}

/**
 * The final evaluation decides, as in k6; a threshold crossed only while the test ran counts
 * when it aborted the run (k6 exits 99 then).
 */
export function thresholdCheck(ctx: RunContext, thresholds: Threshold[]): ThresholdCheck {
  const { registry } = ctx;
  const failed = new Set<Threshold>();
  const evaluate = (final: boolean, elapsedMs: number) => {
    for (const threshold of thresholds) {
      if (!final && !hasSamples(threshold, registry)) continue;
      if (thresholdPasses(threshold, registry, elapsedMs / 1000)) continue;
      if (final) failed.add(threshold);
      else if (threshold.abortOnFail && elapsedMs > threshold.delayAbortEvalMs) {
        failed.add(threshold);
        ctx.options.stderr(
          `threshold ${threshold.metric}: ${threshold.source} crossed; aborting (abortOnFail)\n`,
        );
        ctx.abortController.abort();
      }
    }
  };
  return { failed, evaluate };
}

interface RunInput {
  ctx: RunContext;
  prepared: PreparedScript;
  plan: RunPlan;
  lifecycle: RunLifecycle;
  check: ThresholdCheck;
  threads: number;
  progress: LiveProgress | undefined;
}

function clockStarts(ctx: RunContext): void {
  ctx.setStatus(EXECUTION_STATUS.running);
  if (ctx.options.control) ctx.options.control.startedAtMs = performance.now();
}

async function runThreaded(input: RunInput, onStart: OnStart): Promise<RunFacts | number> {
  const { ctx, prepared, plan, lifecycle, check, threads, progress } = input;
  const { options } = ctx;
  try {
    const facts = await runOnThreads({
      compiled: prepared.compiled,
      env: options.env,
      scriptDir: ctx.scriptDir,
      plans: plan.scenarios,
      threads,
      thresholdsRaw: options.noThresholds ? undefined : plan.scriptOptions.thresholds,
      thresholds: options.noThresholds ? [] : plan.thresholds,
      setupData: lifecycle.setupData,
      userAgent: USER_AGENT,
      allowHosts: options.allowHosts ?? [],
      controller: ctx.abortController,
      registry: ctx.registry,
      rootGroup: ctx.rootGroup,
      abort: engineState().abort,
      log: (message: string) => options.stderr(`${message}\n`),
      failed: check.failed,
      onStart,
      heapLimitMb: threadHeapLimitMb(memoryBudgetMb(options.env), threads),
    });
    if (facts.failure) {
      options.stderr(`engine thread failed: ${facts.failure}\n`);
      if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = K6_EXIT.scriptException;
    }
    return facts;
  } catch (error) {
    progress?.stop();
    options.stderr(`engine thread failed: ${(error as Error).message}\n`);
    return K6_EXIT.scriptException;
  }
}

type OnStart = ((read: () => ProgressView) => void) | undefined;

async function runOnMainThread(
  input: RunInput,
  onStart: OnStart,
  pauseAfterInit: boolean,
): Promise<RunFacts | number> {
  const { ctx, prepared, plan, lifecycle, check } = input;
  const { options } = ctx;
  const setupFailed = new Error("setup failed");
  let setupExit: number | undefined;
  let nextEvaluationMs = THRESHOLDS_RATE_MS;
  const localRun = runLocally({
    scenarios: plan.scenarios,
    compiled: prepared.compiled,
    syncCompiled: prepared.syncCompiled,
    env: options.env,
    scriptDir: ctx.scriptDir,
    setupData: lifecycle.setupData,
    registry: ctx.registry,
    signal: ctx.abortController.signal,
    log: (message: string) => options.stderr(`${message}\n`),
    onStart,
    onTick: (elapsedMs) => {
      if (elapsedMs < nextEvaluationMs) return;
      nextEvaluationMs += THRESHOLDS_RATE_MS;
      if (!options.noThresholds && plan.thresholds.some((t) => t.abortOnFail))
        check.evaluate(false, elapsedMs);
    },
    beforeClock: pauseAfterInit
      ? async () => {
          await options.control?.waitForStart();
          if (!ctx.abortController.signal.aborted) setupExit = await lifecycle.setup();
          if (setupExit !== undefined) throw setupFailed;
          clockStarts(ctx);
          return lifecycle.setupData;
        }
      : undefined,
  });
  try {
    return await localRun;
  } catch (error) {
    if (error === setupFailed) return setupExit ?? K6_EXIT.scriptException;
    throw error;
  }
}

/**
 * setup() then the scenarios, on worker threads or on this one; the run's facts, or the exit
 * code when setup or a thread failed.
 */
export async function executeRun(runInput: Omit<RunInput, "progress">): Promise<RunFacts | number> {
  const { ctx, lifecycle, threads } = runInput;
  const { control, stdout } = ctx.options;
  // Under the REST API, k6's order: VUs initialised, paused until released, setup, run. So
  // runners released together start together (sync-mode VU threads take seconds to start).
  const pauseAfterInit = control !== undefined && threads === 1;
  if (control && !pauseAfterInit) await control.waitForStart();
  if (!pauseAfterInit) {
    const setupExit = await lifecycle.setup();
    if (setupExit !== undefined) return setupExit;
  }
  const progressStyle = ctx.options.progress ?? "off";
  const progress =
    progressStyle === "off"
      ? undefined
      : new LiveProgress(runInput.plan.scenarios, stdout, progressStyle === "tty");
  const input: RunInput = { ...runInput, progress };
  const onStart = progress && ((read: () => ProgressView) => progress.start(read));
  if (!pauseAfterInit) clockStarts(ctx);
  const facts =
    threads > 1
      ? await runThreaded(input, onStart)
      : await runOnMainThread(input, onStart, pauseAfterInit);
  if (typeof facts !== "number") progress?.stop();
  return facts;
}
