import { readFile } from "node:fs/promises";
import { parseHttpOptions } from "./http-options.ts";
import { probeHeapLimitMb, probeInit } from "./init-probe.ts";
import { configureTransport } from "./modules/transport.ts";
import { planScenarios, type ScenarioPlan } from "./options.ts";
import { memoryBudgetMb } from "./resource-budget.ts";
import { K6_EXIT, type RunContext } from "./run-context.ts";
import { applyTestTags, transportSettings } from "./run-options.ts";
import { type EngineMode, missingApis, prepareScript, ScriptError } from "./script.ts";
import { executionTuple, segmentPlan } from "./segment.ts";
import { engineState, logLine } from "./state.ts";
import { parseThresholds, type Threshold } from "./thresholds.ts";
import { initVu } from "./vu.ts";

export interface PreparedScript {
  compiled: string;
  syncCompiled: string | undefined;
  mode: EngineMode;
  fallback: string | undefined;
  /** VU 0: its exports give the options, setup, teardown and handleSummary. */
  first: Awaited<ReturnType<typeof initVu>>;
  /** Heap one more init context took, measured on the probe thread (resource-budget.ts). */
  initHeapMb: number;
}

export interface RunPlan {
  scriptOptions: Record<string, unknown>;
  scenarios: ScenarioPlan[];
  thresholds: Threshold[];
  segmented: boolean;
}

/** Compiles the script and runs its init code once; on failure, k6's exit code. */
export async function compileScript(ctx: RunContext): Promise<PreparedScript | number> {
  try {
    const { compiled, syncCompiled, mode, fallback } = await prepareScript(
      ctx.options.script,
      ctx.options.mode,
    );
    const missing = missingApis(await readFile(compiled, "utf8"));
    if (missing.length > 0) throw new ScriptError(missing.join("\n"));
    const probed = await probeInit({
      compiled,
      env: ctx.options.env,
      scriptDir: ctx.scriptDir,
      signal: ctx.options.signal,
      heapLimitMb: probeHeapLimitMb(memoryBudgetMb(ctx.options.env)),
    });
    if (!probed.ok && probed.kind !== "failed") return refuseInit(ctx, probed);
    // An init that throws throws here again, with the error and exit code of an init error.
    const first = await initVu(compiled, 0);
    const initHeapMb = probed.ok ? probed.heapMb : 0;
    return { compiled, syncCompiled, mode, fallback, first, initHeapMb };
  } catch (error) {
    ctx.options.stderr(
      `${error instanceof ScriptError ? "script error" : "init error"}: ${(error as Error).message}\n`,
    );
    return K6_EXIT.scriptException;
  }
}

/**
 * An init stopped on its probe thread: by SIGINT/SIGTERM (the exit code of a process ended by
 * that signal, as k6 v0.48.0 dies of it during init) or for running out of memory (107).
 */
function refuseInit(ctx: RunContext, probed: { kind: string; message: string }): number {
  ctx.options.stderr(`init error: ${probed.message}\n`);
  if (probed.kind === "memory") return K6_EXIT.scriptException;
  const reason = String((ctx.options.signal.reason as Error | undefined)?.message ?? "");
  if (reason.includes("SIGINT")) return 130;
  if (reason.includes("SIGTERM")) return 143;
  return K6_EXIT.externalAbort;
}

/** The script's options with the CLI shortcut flags applied (any of them replaces scenarios). */
function effectiveOptions(
  ctx: RunContext,
  first: PreparedScript["first"],
): Record<string, unknown> {
  const scriptOptions = { ...(first.exports.options ?? {}) } as Record<string, unknown>;
  const { vus, duration, iterations } = ctx.options.overrides;
  if (vus !== undefined || duration !== undefined || iterations !== undefined) {
    delete scriptOptions.scenarios;
    delete scriptOptions.stages;
    if (vus !== undefined) scriptOptions.vus = vus;
    if (duration !== undefined) scriptOptions.duration = duration;
    if (iterations !== undefined) scriptOptions.iterations = iterations;
  }
  return scriptOptions;
}

/**
 * Scenarios, HTTP options and thresholds from the options; every problem is reported at once
 * (k6's exit 104) instead of the first.
 */
export function planRun(ctx: RunContext, prepared: PreparedScript): RunPlan | number {
  const { options, registry } = ctx;
  const { first } = prepared;
  const scriptOptions = effectiveOptions(ctx, first);
  const planned = planScenarios(scriptOptions);
  const http = parseHttpOptions(scriptOptions);
  const errors = [...planned.errors, ...http.errors];
  for (const warning of planned.warnings) options.stderr(`${logLine("warning", warning)}\n`);
  let scenarios = applyTestTags(planned.scenarios, scriptOptions.tags);
  engineState().http = http.options;
  configureTransport(transportSettings(http.options));
  const segmented =
    options.executionSegment !== undefined || options.executionSegmentSequence !== undefined;
  try {
    const tuple = executionTuple(options.executionSegment, options.executionSegmentSequence);
    scenarios = scenarios
      .map((plan) => segmentPlan(plan, tuple))
      .filter((plan): plan is ScenarioPlan => plan !== undefined);
  } catch (error) {
    errors.push((error as Error).message);
  }
  const runTags = options.runTags;
  if (runTags)
    scenarios = scenarios.map((plan) => ({ ...plan, tags: { ...runTags, ...plan.tags } }));
  const parsed = options.noThresholds
    ? { thresholds: [], errors: [] }
    : parseThresholds(scriptOptions.thresholds, registry);
  for (const plan of scenarios) {
    const fn = plan.exec === "default" ? first.exports.default : first.exports[plan.exec];
    if (typeof fn !== "function")
      errors.push(`scenarios.${plan.name}.exec: the script exports no function "${plan.exec}"`);
  }
  const problems = [...errors, ...parsed.errors];
  if (problems.length > 0) {
    options.stderr(
      `invalid options (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    return K6_EXIT.invalidConfig;
  }
  return { scriptOptions, scenarios, thresholds: parsed.thresholds, segmented };
}
