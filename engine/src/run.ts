import { formatDurationMs } from "./duration.ts";
import { totalDurationMs } from "./options.ts";
import { streamJsonOutput } from "./out-json.ts";
import { redactorFor } from "./redact.ts";
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

/** Runs one k6 test on the built-in engine and returns k6's exit code. */
export async function runEngine(unredacted: EngineRunOptions): Promise<number> {
  const options = redactingOutput(unredacted);
  const ctx = startRun(options);
  ctx.setStatus(EXECUTION_STATUS.initVus);
  installRunState(ctx);
  const prepared = await compileScript(ctx);
  if (typeof prepared === "number") return prepared;
  const plan = planRun(ctx, prepared);
  if (typeof plan === "number") return plan;
  const outStream = connectOutputs(ctx, plan);
  const { threads, threadText, modeText } = announce(ctx, prepared, plan);
  const lifecycle = new RunLifecycle(ctx, prepared, plan);
  const check = thresholdCheck(ctx, plan.thresholds);
  const facts = await executeRun({ ctx, prepared, plan, lifecycle, check, threads });
  if (typeof facts === "number") return facts;
  ctx.registry.frozen = true;
  await lifecycle.teardown();
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
