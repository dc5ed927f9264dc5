import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { formatDurationMs } from "./duration.ts";
import { installGlobals } from "./globals.ts";
import { parseHttpOptions } from "./http-options.ts";
import { callLifecycle, LifecycleThread } from "./lifecycle.ts";
import { type RunFacts, runLocally } from "./local.ts";
import { Registry } from "./metrics.ts";
import { resetJars } from "./modules/cookies.ts";
import { configureTransport } from "./modules/transport.ts";
import { planScenarios, type ScenarioPlan, totalDurationMs } from "./options.ts";
import { streamJsonOutput } from "./out-json.ts";
import { LiveProgress, type ProgressView } from "./progress.ts";
import { EXECUTION_STATUS, type RunControl } from "./rest-api.ts";
import {
  applyTestTags,
  LifecycleTimeout,
  lifecycleTimeoutMs,
  scriptTrendStats,
  transportSettings,
  withTimeout,
} from "./run-options.ts";
import { type EngineMode, missingApis, prepareScript, ScriptError } from "./script.ts";
import { executionTuple, segmentPlan } from "./segment.ts";
import { engineState, logLine, newGroup, setEngineState } from "./state.ts";
import {
  buildSummaryData,
  DEFAULT_TREND_STATS,
  encodeHistograms,
  renderTextSummary,
  toLegacyExport,
} from "./summary.ts";
import { asyncThreadCount, runOnThreads } from "./threads.ts";
import {
  hasSamples,
  parseThresholds,
  THRESHOLDS_RATE_MS,
  type Threshold,
  thresholdPasses,
} from "./thresholds.ts";
import { initVu } from "./vu.ts";

/** k6's exit codes (errext/exitcodes/codes.go). */
export const K6_EXIT = {
  ok: 0,
  thresholds: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  /** k6 v0.48.0 answers a stop through the REST API with its generic engine error. */
  genericEngine: 103,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
  testFailed: 110,
} as const;

export interface EngineRunOptions {
  script: string;
  /** Force a mode; by default it is detected from the script (see `detectMode`). */
  mode?: EngineMode | undefined;
  /** `-e K=V` plus the system environment (k6 includes it by default). */
  env: Record<string, string>;
  /** CLI shortcut flags; any of them replaces the script's scenarios, as in k6. */
  overrides: { vus?: number; duration?: string; iterations?: number };
  summaryExport?: string | undefined;
  outJson?: string | undefined;
  hdrOut?: string | undefined;
  trendStats?: string[] | undefined;
  noThresholds?: boolean;
  noSummary?: boolean;
  noColor?: boolean;
  /** Live progress: redrawn on a terminal, plain lines every second otherwise, or none (`--quiet`). */
  progress?: "tty" | "lines" | "off" | undefined;
  /** k6's `--execution-segment` (e.g. `0:1/2`): run only this share of every scenario. */
  executionSegment?: string | undefined;
  /** k6's `--execution-segment-sequence` (e.g. `0,1/4,1/2,1`). */
  executionSegmentSequence?: string | undefined;
  /**
   * Async-mode threads; default one per core but one (env `PERFGATE_ENGINE_THREADS`), capped
   * by the VUs. One thread is used in sync mode, with `--out json` and with an execution segment.
   */
  threads?: number | undefined;
  /** k6's `--tag k=v`: tags on every sample (under scenario tags, as in k6). */
  runTags?: Record<string, string> | undefined;
  /** The REST API's view of the run (`--address`, `--paused`): status, resume, stop. */
  control?: RunControl | undefined;
  signal: AbortSignal;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** How the summary and the start-up lines name each mode. */
const MODE_TEXT: Record<EngineMode, string> = {
  async: "async mode",
  compiled: "sync mode compiled to async",
  sync: "sync mode, one thread per VU",
};

const USER_AGENT = "k6/0.48.0 (https://k6.io/) perfgate-engine";

/** Runs one k6 test on the built-in engine and returns k6's exit code. */
export async function runEngine(options: EngineRunOptions): Promise<number> {
  const { stderr, stdout, control } = options;
  const setStatus = (status: number) => {
    if (control) control.status = status;
  };
  setStatus(EXECUTION_STATUS.initVus);
  const registry = new Registry();
  const rootGroup = newGroup("", "");
  let exitCode: number = K6_EXIT.ok;
  const abortController = new AbortController();
  const onOuterAbort = () => {
    exitCode = K6_EXIT.externalAbort;
    abortController.abort();
  };
  options.signal.addEventListener("abort", onOuterAbort, { once: true });
  const scriptDir = path.dirname(path.resolve(options.script));
  setEngineState({
    registry,
    env: options.env,
    scriptDir,
    rootGroup,
    startedAt: Date.now(),
    userAgent: USER_AGENT,
    log: (line) => stderr(`${line}\n`),
    abort: (reason, code) => {
      stderr(`test aborted: ${reason}\n`);
      if (code === K6_EXIT.testFailed) {
        exitCode = code;
        return;
      }
      exitCode = code;
      abortController.abort();
    },
  });
  installGlobals(options.env, scriptDir);
  resetJars();

  let compiled: string;
  let syncCompiled: string | undefined;
  let mode: EngineMode;
  let fallback: string | undefined;
  let first: Awaited<ReturnType<typeof initVu>>;
  try {
    ({ compiled, syncCompiled, mode, fallback } = await prepareScript(
      options.script,
      options.mode,
    ));
    const missing = missingApis(await readFile(compiled, "utf8"));
    if (missing.length > 0) throw new ScriptError(missing.join("\n"));
    first = await initVu(compiled, 0);
  } catch (error) {
    stderr(
      `${error instanceof ScriptError ? "script error" : "init error"}: ${(error as Error).message}\n`,
    );
    return K6_EXIT.scriptException;
  }

  const scriptOptions = { ...(first.exports.options ?? {}) } as Record<string, unknown>;
  const { vus, duration, iterations } = options.overrides;
  if (vus !== undefined || duration !== undefined || iterations !== undefined) {
    delete scriptOptions.scenarios;
    delete scriptOptions.stages;
    if (vus !== undefined) scriptOptions.vus = vus;
    if (duration !== undefined) scriptOptions.duration = duration;
    if (iterations !== undefined) scriptOptions.iterations = iterations;
  }
  const planned = planScenarios(scriptOptions);
  const http = parseHttpOptions(scriptOptions);
  const errors = [...planned.errors, ...http.errors];
  for (const warning of planned.warnings) stderr(`${logLine("warning", warning)}\n`);
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
    stderr(
      `invalid options (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    return K6_EXIT.invalidConfig;
  }
  const thresholds = parsed.thresholds;
  const outStream = options.outJson
    ? streamJsonOutput(options.outJson, registry, thresholds)
    : undefined;
  if (outStream && runTags) {
    const write = registry.onSample;
    registry.onSample = (def, value, tags) => write?.(def, value, { ...runTags, ...tags });
  }
  const maxVus = scenarios.reduce((sum, plan) => sum + plan.vus, 0);
  if (control) {
    Object.assign(control, {
      vusMax: maxVus,
      registry,
      trendStats: options.trendStats ?? DEFAULT_TREND_STATS,
    });
    control.onStop(() => {
      stderr(`level=error msg="test run stopped from REST API"\n`);
      exitCode = K6_EXIT.genericEngine;
      abortController.abort();
    });
  }
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
    stderr(
      `level=warning msg="sync mode falls back to one thread per VU (slower, more memory): ${fallback.replaceAll('"', "'")}"\n`,
    );
  stdout(
    `  execution: local (perfgate built-in engine, ${modeText})\n     script: ${options.script}\n\n  scenarios: ${scenarios.length} scenario${scenarios.length > 1 ? "s" : ""}, ${maxVus} max VUs\n${scenarios
      .map(
        (p) =>
          `           * ${p.name}: ${p.executor}, ${formatDurationMs(totalDurationMs(p))} (gracefulStop: ${formatDurationMs(p.gracefulStopMs)})`,
      )
      .join("\n")}\n\n`,
  );

  let setupData: unknown;
  const lifecycleThread = syncCompiled
    ? new LifecycleThread(syncCompiled, options.env, scriptDir)
    : undefined;
  const runTeardown =
    typeof first.exports.teardown === "function" && scriptOptions.noTeardown !== true;
  /** Runs setup(); on failure, the exit code (k6's 100 for a timeout, 107 for an error). */
  const runSetup = async (): Promise<number | undefined> => {
    setStatus(EXECUTION_STATUS.setup);
    if (typeof first.exports.setup === "function" && scriptOptions.noSetup !== true) {
      try {
        setupData = await withTimeout(
          callLifecycle("setup", first.exports, undefined, lifecycleThread),
          "setup",
          lifecycleTimeoutMs(scriptOptions.setupTimeout),
        );
      } catch (error) {
        await lifecycleThread?.close();
        if (error instanceof LifecycleTimeout) {
          stderr(`${error.line}\n`);
          return K6_EXIT.setupTimeout;
        }
        stderr(`setup() failed: ${(error as Error).message}\n`);
        return K6_EXIT.scriptException;
      }
    }
    if (!runTeardown) await lifecycleThread?.close();
    return undefined;
  };
  // Under the REST API, k6's order: VUs initialised, paused until released, setup, run. So
  // runners released together start together (sync-mode VU threads take seconds to start).
  const pauseAfterInit = control !== undefined && threads === 1;
  if (control && !pauseAfterInit) await control.waitForStart();
  if (!pauseAfterInit) {
    const setupExit = await runSetup();
    if (setupExit !== undefined) return setupExit;
  }
  const clockStarts = () => {
    setStatus(EXECUTION_STATUS.running);
    if (control) control.startedAtMs = performance.now();
  };

  // The final evaluation decides, as in k6; a threshold crossed only while the test ran counts
  // when it aborted the run (k6 exits 99 then).
  const failed = new Set<Threshold>();
  const evaluate = (final: boolean, elapsedMs: number) => {
    for (const threshold of thresholds) {
      if (!final && !hasSamples(threshold, registry)) continue;
      if (thresholdPasses(threshold, registry, elapsedMs / 1000)) continue;
      if (final) failed.add(threshold);
      else if (threshold.abortOnFail && elapsedMs > threshold.delayAbortEvalMs) {
        failed.add(threshold);
        stderr(
          `threshold ${threshold.metric}: ${threshold.source} crossed; aborting (abortOnFail)\n`,
        );
        abortController.abort();
      }
    }
  };
  const log = (message: string) => stderr(`${message}\n`);
  let nextEvaluationMs = THRESHOLDS_RATE_MS;
  const progressStyle = options.progress ?? "off";
  const progress =
    progressStyle === "off"
      ? undefined
      : new LiveProgress(scenarios, stdout, progressStyle === "tty");
  const onStart = progress && ((read: () => ProgressView) => progress.start(read));
  let facts: RunFacts;
  if (!pauseAfterInit) clockStarts();
  if (threads > 1) {
    try {
      facts = await runOnThreads({
        compiled,
        env: options.env,
        scriptDir,
        plans: scenarios,
        threads,
        thresholdsRaw: options.noThresholds ? undefined : scriptOptions.thresholds,
        thresholds: options.noThresholds ? [] : thresholds,
        setupData,
        userAgent: USER_AGENT,
        controller: abortController,
        registry,
        rootGroup,
        abort: engineState().abort,
        log,
        failed,
        onStart,
      });
    } catch (error) {
      progress?.stop();
      stderr(`engine thread failed: ${(error as Error).message}\n`);
      return K6_EXIT.scriptException;
    }
  } else {
    const setupFailed = new Error("setup failed");
    let setupExit: number | undefined;
    const localRun = runLocally({
      scenarios,
      compiled,
      syncCompiled,
      env: options.env,
      scriptDir,
      setupData,
      registry,
      signal: abortController.signal,
      log,
      onStart,
      onTick: (elapsedMs) => {
        if (elapsedMs < nextEvaluationMs) return;
        nextEvaluationMs += THRESHOLDS_RATE_MS;
        if (!options.noThresholds && thresholds.some((t) => t.abortOnFail))
          evaluate(false, elapsedMs);
      },
      beforeClock: pauseAfterInit
        ? async () => {
            await control?.waitForStart();
            if (!abortController.signal.aborted) setupExit = await runSetup();
            if (setupExit !== undefined) throw setupFailed;
            clockStarts();
            return setupData;
          }
        : undefined,
    });
    try {
      facts = await localRun;
    } catch (error) {
      if (error === setupFailed) return setupExit ?? K6_EXIT.scriptException;
      throw error;
    }
  }
  progress?.stop();
  const { durationMs, rssPerVu } = facts;
  registry.frozen = true;
  setStatus(EXECUTION_STATUS.teardown);
  if (runTeardown) {
    // teardown's requests count in http_reqs etc., as in k6 (an iteration abandoned at a hard
    // stop could slip a sample in meanwhile).
    registry.frozen = false;
    try {
      await withTimeout(
        callLifecycle("teardown", first.exports, setupData, lifecycleThread),
        "teardown",
        lifecycleTimeoutMs(scriptOptions.teardownTimeout),
      );
    } catch (error) {
      if (error instanceof LifecycleTimeout) {
        stderr(`${error.line}\n`);
        if (exitCode === K6_EXIT.ok) exitCode = K6_EXIT.teardownTimeout;
      } else {
        stderr(`teardown() failed: ${(error as Error).message}\n`);
        if (exitCode === K6_EXIT.ok) exitCode = K6_EXIT.scriptException;
      }
    }
    await lifecycleThread?.close();
    registry.frozen = true;
  }
  evaluate(true, durationMs);
  if (failed.size > 0) {
    const names = [...new Set([...failed].map((t) => t.metric))].join(", ");
    stderr(`level=error msg="thresholds on metrics '${names}' have been crossed"\n`);
  }
  if (exitCode === K6_EXIT.ok && failed.size > 0) exitCode = K6_EXIT.thresholds;
  const data = buildSummaryData({
    registry,
    rootGroup,
    thresholds,
    failed,
    trendStats: options.trendStats ?? scriptTrendStats(scriptOptions) ?? DEFAULT_TREND_STATS,
    durationMs,
    setupData,
    noColor: options.noColor ?? false,
  });
  const layout =
    mode === "sync"
      ? `${facts.initialized} VUs on their own threads, I/O on the main thread`
      : `${facts.initialized} VUs multiplexed on ${threadText}`;
  // Peak RSS of the process (the kernel's high-water mark, VU threads included), not the RSS
  // at the end, which misses what the threads held while they ran.
  const peakMb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const engineLine = `engine: perfgate built-in, ${modeText} (${layout}, ${os.availableParallelism()} cores), ${peakMb} MB peak RSS, ~${(rssPerVu / 1024 / 1024).toFixed(2)} MB per VU`;
  if (options.summaryExport)
    await writeFile(options.summaryExport, `${JSON.stringify(toLegacyExport(data), null, 4)}\n`);
  if (options.hdrOut)
    await writeFile(options.hdrOut, `${JSON.stringify(encodeHistograms(registry))}\n`);
  await new Promise<void>((resolve) => (outStream ? outStream.end(resolve) : resolve()));
  let printedDefault = false;
  if (typeof first.exports.handleSummary === "function") {
    try {
      const outputs = (await (first.exports.handleSummary as (d: unknown) => unknown)(data)) as
        | Record<string, string>
        | undefined;
      for (const [target, content] of Object.entries(outputs ?? {})) {
        if (target === "stdout") stdout(String(content));
        else if (target === "stderr") stderr(String(content));
        else await writeFile(path.resolve(target), String(content));
      }
    } catch (error) {
      // k6 logs a throwing handleSummary and falls back to the default summary.
      stderr(`handleSummary() failed: ${(error as Error).message}\n`);
      stdout(renderTextSummary(data, engineLine));
      printedDefault = true;
    }
  } else if (!options.noSummary) {
    stdout(renderTextSummary(data, engineLine));
    printedDefault = true;
  }
  if (!printedDefault) stdout(`     ${engineLine}\n`);
  options.signal.removeEventListener("abort", onOuterAbort);
  setStatus(abortController.signal.aborted ? EXECUTION_STATUS.interrupted : EXECUTION_STATUS.ended);
  return exitCode;
}
