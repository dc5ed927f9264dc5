import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { formatDurationMs } from "./duration.ts";
import { type ExecutorContext, runScenarioPlan } from "./executors.ts";
import { Registry } from "./metrics.ts";
import { planScenarios, totalDurationMs } from "./options.ts";
import { streamJsonOutput } from "./out-json.ts";
import { compileScript, detectMode, type EngineMode, makeOpen, ScriptError } from "./script.ts";
import { currentVu, newGroup, setEngineState, vuStorage } from "./state.ts";
import {
  buildSummaryData,
  DEFAULT_TREND_STATS,
  encodeHistograms,
  renderTextSummary,
  toLegacyExport,
} from "./summary.ts";
import { SyncVu } from "./sync-vu.ts";
import { parseThresholds, type Threshold, thresholdPasses } from "./thresholds.ts";
import { type EngineVu, initAsyncVu, initVu } from "./vu.ts";

/** k6's exit codes (errext/exitcodes/codes.go). */
export const K6_EXIT = {
  ok: 0,
  thresholds: 99,
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
  signal: AbortSignal;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function installGlobals(env: Record<string, string>, scriptDir: string): void {
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  Object.defineProperty(globalThis, "__VU", {
    configurable: true,
    get: () => currentVu()?.vu ?? 0,
  });
  Object.defineProperty(globalThis, "__ITER", {
    configurable: true,
    get: () => currentVu()?.iter ?? 0,
  });
  g.open = makeOpen(scriptDir);
}

/** Runs one k6 test on the built-in engine and returns k6's exit code. */
export async function runEngine(options: EngineRunOptions): Promise<number> {
  const { stderr, stdout } = options;
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
    userAgent: "k6/0.48.0 (https://k6.io/) perfgate-engine",
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

  let compiled: string;
  let syncCompiled: string | undefined;
  let mode: EngineMode;
  let first: Awaited<ReturnType<typeof initVu>>;
  try {
    compiled = await compileScript(options.script);
    mode = options.mode ?? detectMode(await readFile(compiled, "utf8"));
    if (mode === "sync") syncCompiled = await compileScript(options.script, "sync");
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
  const { scenarios, errors } = planScenarios(scriptOptions);
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
  const maxVus = scenarios.reduce((sum, plan) => sum + plan.vus, 0);
  stdout(
    `  execution: local (perfgate built-in engine, ${mode} mode)\n     script: ${options.script}\n\n  scenarios: ${scenarios.length} scenario${scenarios.length > 1 ? "s" : ""}, ${maxVus} max VUs\n${scenarios
      .map(
        (p) =>
          `           * ${p.name}: ${p.executor}, ${formatDurationMs(totalDurationMs(p))} (gracefulStop: ${formatDurationMs(p.gracefulStopMs)})`,
      )
      .join("\n")}\n\n`,
  );

  let setupData: unknown;
  if (typeof first.exports.setup === "function") {
    try {
      const setupContext = {
        vu: 0,
        iter: 0,
        scenario: "setup",
        iterationInScenario: 0,
        groupPath: "",
        tags: {},
        pendingSleepMs: 0,
      };
      const value = await vuStorage.run(setupContext, () =>
        (first.exports.setup as () => unknown)(),
      );
      setupData = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    } catch (error) {
      stderr(`setup() failed: ${(error as Error).message}\n`);
      return K6_EXIT.scriptException;
    }
  }

  // VU 0 (options, setup, teardown) is not a test VU; k6 does not count it either.
  const vuCount = { active: 0, initialized: 0 };
  const syncVus: SyncVu[] = [];
  const memoryBefore = process.memoryUsage().rss;
  const createVu = async (id: number): Promise<EngineVu> => {
    if (!syncCompiled) return initAsyncVu(compiled, id);
    const vu = new SyncVu(id, syncCompiled, options.env, scriptDir);
    syncVus.push(vu);
    await vu.ready;
    return vu;
  };
  // Like k6, initialise the VUs a test plans for before its clock starts; threads start in parallel.
  const planned = scenarios.reduce(
    (sum, p) => sum + (p.executor.endsWith("arrival-rate") ? p.preAllocatedVUs : p.vus),
    0,
  );
  const warm: EngineVu[] = await Promise.all(
    Array.from({ length: planned }, (_, i) => createVu(i + 1)),
  );
  let nextId = planned + 1;
  // Memory the planned VUs cost (their init contexts, and threads in sync mode).
  const rssPerVu =
    planned > 0 ? Math.max(0, process.memoryUsage().rss - memoryBefore) / planned : 0;
  const startedAt = performance.now();
  const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
  const failed = new Set<Threshold>();
  const evaluate = (final: boolean) => {
    for (const threshold of thresholds) {
      if (thresholdPasses(threshold, registry, elapsedSeconds())) continue;
      failed.add(threshold);
      if (
        !final &&
        threshold.abortOnFail &&
        performance.now() - startedAt > threshold.delayAbortEvalMs
      ) {
        stderr(
          `threshold ${threshold.metric}: ${threshold.source} crossed; aborting (abortOnFail)\n`,
        );
        abortController.abort();
      }
    }
  };
  const context: ExecutorContext = {
    createVu: async (id) => warm.shift() ?? createVu(id),
    data: setupData,
    signal: abortController.signal,
    log: (message) => stderr(`${message}\n`),
    nextVuId: () => (warm.length > 0 ? 0 : nextId++),
    vuCount,
  };
  const ticker = setInterval(() => {
    registry.add("vus", vuCount.active, {});
    registry.add("vus_max", vuCount.initialized, {});
    if (!options.noThresholds && thresholds.some((t) => t.abortOnFail)) evaluate(false);
  }, 1000);
  try {
    await Promise.all(scenarios.map((plan) => runScenarioPlan(plan, context)));
  } finally {
    clearInterval(ticker);
    registry.add("vus", 0, {});
    registry.add("vus_max", vuCount.initialized, {});
  }
  const durationMs = performance.now() - startedAt;
  registry.frozen = true;
  await Promise.all(syncVus.map((vu) => vu.close()));
  if (typeof first.exports.teardown === "function") {
    try {
      await vuStorage.run(
        {
          vu: 0,
          iter: 0,
          scenario: "teardown",
          iterationInScenario: 0,
          groupPath: "",
          tags: {},
          pendingSleepMs: 0,
        },
        () => (first.exports.teardown as (d: unknown) => unknown)(setupData),
      );
    } catch (error) {
      stderr(`teardown() failed: ${(error as Error).message}\n`);
      if (exitCode === K6_EXIT.ok) exitCode = K6_EXIT.scriptException;
    }
  }
  evaluate(true);
  if (exitCode === K6_EXIT.ok && failed.size > 0) exitCode = K6_EXIT.thresholds;
  const data = buildSummaryData({
    registry,
    rootGroup,
    thresholds,
    failed,
    trendStats: options.trendStats ?? DEFAULT_TREND_STATS,
    durationMs,
    setupData,
    noColor: options.noColor ?? false,
  });
  const layout =
    mode === "sync"
      ? `${vuCount.initialized} VUs on their own threads, I/O on the main thread`
      : `${vuCount.initialized} VUs multiplexed on 1 thread`;
  const engineLine = `engine: perfgate built-in, ${mode} mode (${layout}, ${os.availableParallelism()} cores), ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB RSS, ~${(rssPerVu / 1024 / 1024).toFixed(2)} MB per VU`;
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
  return exitCode;
}
