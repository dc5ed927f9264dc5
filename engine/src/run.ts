import { formatDurationMs } from "./duration.ts";
import type { RunFacts } from "./local.ts";
import { totalDurationMs } from "./options.ts";
import { streamJsonOutput } from "./out-json.ts";
import { OUTPUT_EXIT, unwritableOutputs } from "./output-paths.ts";
import { redactorFor } from "./redact.ts";
import { memoryBudgetMb, vuBudgetProblem } from "./resource-budget.ts";
import { EXECUTION_STATUS } from "./rest-api.ts";
import {
  type EngineRunOptions,
  installRunState,
  K6_EXIT,
  type RunContext,
  startRun,
} from "./run-context.ts";
import { executeRun, thresholdCheck } from "./run-execute.ts";
import { RunLifecycle } from "./run-lifecycle.ts";
import { compileScript, type PreparedScript, planRun, type RunPlan } from "./run-plan.ts";
import { writeSummary } from "./run-summary.ts";
import type { EngineMode } from "./script.ts";
import { DEFAULT_TREND_STATS } from "./summary.ts";
import { asyncThreadCount } from "./threads.ts";

export { type EngineRunOptions, K6_EXIT } from "./run-context.ts";

/** How the summary and the start-up lines name each mode. */
const MODE_TEXT: Record<EngineMode, string> = {
  async: "async mode",
  compiled: "sync mode compiled to async",
  sync: "sync mode, one thread per VU",
};

/** Streams `--out json` (with the run tags) and hands the REST API what it reports and stops. */
function connectOutputs(ctx: RunContext, plan: RunPlan) {
  const { options, registry } = ctx;
  const { control, runTags } = options;
  const outStream = options.outJson
    ? streamJsonOutput(options.outJson, registry, plan.thresholds, redactorFor(options.redact))
    : undefined;
  // A file that stops being writable mid-run (disk full, folder removed) is reported, not thrown.
  outStream?.on("error", (error) => {
    options.stderr(`error: --out json=${options.outJson}: ${error.message}\n`);
    if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = OUTPUT_EXIT;
  });
  if (outStream && runTags) {
    const write = registry.onSample;
    registry.onSample = (def, value, tags) => write?.(def, value, { ...runTags, ...tags });
  }
  if (control) {
    Object.assign(control, {
      vusMax: plan.scenarios.reduce((sum, p) => sum + p.vus, 0),
      registry,
      trendStats: options.trendStats ?? DEFAULT_TREND_STATS,
    });
    control.onStop(() => {
      options.stderr(`level=error msg="test run stopped from REST API"\n`);
      ctx.exitCode = K6_EXIT.genericEngine;
      ctx.abortController.abort();
    });
  }
  return outStream;
}

/** Picks the thread count and prints k6's start-up lines (mode, script, scenarios). */
function announce(ctx: RunContext, prepared: PreparedScript, plan: RunPlan) {
  const { options } = ctx;
  const { mode, fallback } = prepared;
  const { scenarios, segmented } = plan;
  const maxVus = scenarios.reduce((sum, p) => sum + p.vus, 0);
  const threads =
    mode !== "sync" && !options.outJson && !segmented
      ? asyncThreadCount(scenarios, options.threads)
      : 1;
  const segmentText = segmented
    ? `, execution segment ${options.executionSegment ?? "0:1"}${options.executionSegmentSequence ? ` of ${options.executionSegmentSequence}` : ""}`
    : "";
  const threadText = `${threads} thread${threads > 1 ? "s" : ""}`;
  const modeText = `${MODE_TEXT[mode]}${mode === "sync" ? "" : `, ${threadText}`}${segmentText}`;
  if (fallback)
    options.stderr(
      `level=warning msg="sync mode falls back to one thread per VU (slower, more memory): ${fallback.replaceAll('"', "'")}"\n`,
    );
  options.stdout(
    `  execution: local (perfgate built-in engine, ${modeText})\n     script: ${options.script}\n\n  scenarios: ${scenarios.length} scenario${scenarios.length > 1 ? "s" : ""}, ${maxVus} max VUs\n${scenarios
      .map(
        (p) =>
          `           * ${p.name}: ${p.executor}, ${formatDurationMs(totalDurationMs(p))} (gracefulStop: ${formatDurationMs(p.gracefulStopMs)})`,
      )
      .join("\n")}\n\n`,
  );
  return { threads, threadText, modeText };
}

/**
 * The run's options with its terminal output redacted: a URL with a token in a "Request Failed"
 * line, a script's console.log of a header, the summary's sub-metric names.
 */
function redactingOutput(options: EngineRunOptions): EngineRunOptions {
  const { text } = redactorFor(options.redact);
  const { stdout, stderr } = options;
  return { ...options, stdout: (t) => stdout(text(t)), stderr: (t) => stderr(text(t)) };
}

/** Refuses (k6's 104, bad options) a test whose planned VUs cannot fit the memory budget. */
function checkVuBudget(ctx: RunContext, prepared: PreparedScript, plan: RunPlan) {
  const { options } = ctx;
  const { vus } = options.overrides;
  const problem = vuBudgetProblem({
    mode: prepared.mode,
    vus: plan.scenarios.reduce((sum, p) => sum + p.vus, 0),
    initHeapMb: prepared.initHeapMb,
    budgetMb: memoryBudgetMb(options.env),
    source: vus !== undefined ? `--vus ${vus}` : "the script's options (max VUs of its scenarios)",
  });
  if (problem === undefined) return undefined;
  options.stderr(`invalid options (1 problem):\n  - ${problem}\n`);
  return K6_EXIT.invalidConfig;
}

/**
 * A test whose VUs could not start (each failed or ran out of memory) ran no iteration: said,
 * and never an exit 0 that reads as a pass.
 */
function warnIfNoVuStarted(ctx: RunContext, plan: RunPlan, facts: RunFacts): void {
  const planned = plan.scenarios.reduce((sum, p) => sum + p.vus, 0);
  const iterations = ctx.registry.metrics.get("iterations");
  if (planned === 0 || facts.initialized > 0 || iterations?.touched) return;
  if (ctx.exitCode === K6_EXIT.externalAbort) return;
  ctx.options.stderr(
    `level=warning msg="the test ran 0 iterations: none of its ${planned} VUs started"\n`,
  );
  if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = K6_EXIT.scriptException;
}

/** Runs one k6 test on the built-in engine and returns k6's exit code. */
export async function runEngine(unredacted: EngineRunOptions): Promise<number> {
  const options = redactingOutput(unredacted);
  // Found before the test, not after it when its results would be lost.
  const unwritable = await unwritableOutputs(options, process.cwd());
  if (unwritable.length > 0) {
    for (const problem of unwritable) options.stderr(`error: ${problem}\n`);
    return OUTPUT_EXIT;
  }
  const ctx = startRun(options);
  ctx.setStatus(EXECUTION_STATUS.initVus);
  installRunState(ctx);
  const prepared = await compileScript(ctx);
  if (typeof prepared === "number") return prepared;
  const plan = planRun(ctx, prepared);
  if (typeof plan === "number") return plan;
  const budgetExit = checkVuBudget(ctx, prepared, plan);
  if (budgetExit !== undefined) return budgetExit;
  const outStream = connectOutputs(ctx, plan);
  const { threads, threadText, modeText } = announce(ctx, prepared, plan);
  const lifecycle = new RunLifecycle(ctx, prepared, plan);
  const check = thresholdCheck(ctx, plan.thresholds);
  let facts = await executeRun({ ctx, prepared, plan, lifecycle, check, threads });
  if (typeof facts === "number" && lifecycle.setupFailure === undefined) return facts;
  ctx.registry.frozen = true;
  if (typeof facts === "number") {
    // As k6 v0.48.0: a failed setup() skips the test and teardown but still ends with the
    // summary (setup's own samples), then its exit code (107 error, 100 timeout).
    ctx.exitCode = facts;
    facts = { durationMs: 0, initialized: 0, rssPerVu: 0 };
  } else {
    warnIfNoVuStarted(ctx, plan, facts);
    await lifecycle.teardown();
  }
  await writeSummary(ctx, {
    prepared,
    plan,
    facts,
    check,
    setupData: lifecycle.setupData,
    outStream,
    threadText,
    modeText,
  });
  options.signal.removeEventListener("abort", ctx.onOuterAbort);
  ctx.setStatus(
    ctx.abortController.signal.aborted ? EXECUTION_STATUS.interrupted : EXECUTION_STATUS.ended,
  );
  return ctx.exitCode;
}
