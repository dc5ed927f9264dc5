import path from "node:path";
import { installGlobals } from "./globals.ts";
import { Registry } from "./metrics.ts";
import { planScenarios, type ScenarioPlan, totalDurationMs } from "./options.ts";
import { compileScript } from "./script.ts";
import { newGroup, setEngineState } from "./state.ts";
import { DEFAULT_TREND_STATS } from "./summary.ts";
import { initVu } from "./vu.ts";

/** The options object a script exports, read by running its init context once (as VU 0). */
export async function loadScriptOptions(
  script: string,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const scriptDir = path.dirname(path.resolve(script));
  setEngineState({
    registry: new Registry(),
    env,
    scriptDir,
    rootGroup: newGroup("", ""),
    startedAt: Date.now(),
    userAgent: "k6/0.48.0 (https://k6.io/) perfgate-engine",
    abort: () => {},
  });
  installGlobals(env, scriptDir);
  const first = await initVu(await compileScript(script), 0);
  return { ...(first.exports.options ?? {}) };
}

/** k6's options keys, in `k6 inspect`'s order; the ones a script leaves unset print as null. */
const OPTION_KEYS = [
  "paused",
  "vus",
  "duration",
  "iterations",
  "stages",
  "scenarios",
  "executionSegment",
  "executionSegmentSequence",
  "noSetup",
  "setupTimeout",
  "noTeardown",
  "teardownTimeout",
  "rps",
  "dns",
  "maxRedirects",
  "userAgent",
  "batch",
  "batchPerHost",
  "httpDebug",
  "insecureSkipTLSVerify",
  "tlsCipherSuites",
  "tlsVersion",
  "tlsAuth",
  "throw",
  "thresholds",
  "blacklistIPs",
  "blockHostnames",
  "hosts",
  "noConnectionReuse",
  "noVUConnectionReuse",
  "minIterationDuration",
  "ext",
  "summaryTrendStats",
  "summaryTimeUnit",
  "systemTags",
  "tags",
  "metricSamplesBufferSize",
  "noCookiesReset",
  "discardResponseBodies",
] as const;

const DEFAULTS: Record<string, unknown> = {
  dns: { ttl: null, select: null, policy: null },
  summaryTrendStats: DEFAULT_TREND_STATS,
  systemTags: [
    "check",
    "error",
    "error_code",
    "expected_response",
    "group",
    "method",
    "name",
    "proto",
    "scenario",
    "service",
    "status",
    "subproto",
    "tls_version",
    "url",
  ],
};

/** k6 writes durations as Go does: `34s`, `1m30s`, `1h0m0s`, `1.5s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** A scenario's VUs at its peak: arrival-rate executors may grow to maxVUs. */
function peakVus(plan: ScenarioPlan): number {
  return plan.executor.endsWith("arrival-rate")
    ? Math.max(plan.maxVUs, plan.preAllocatedVUs)
    : plan.vus;
}

/** When a scenario is over: its start, its own duration and its graceful stop (k6's end offset). */
function endMs(plan: ScenarioPlan): number {
  return plan.startTimeMs + totalDurationMs(plan) + plan.gracefulStopMs;
}

/** k6 writes an unset option as null (its archives' metadata.json); the planner wants it absent. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** A scenario as k6 lists it: its common keys first, null when unset. */
function listedScenario(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const { executor, startTime, gracefulStop, env, exec, tags, ...rest } = raw as Record<
    string,
    unknown
  >;
  const orNull = (v: unknown) => v ?? null;
  return {
    executor,
    startTime: orNull(startTime),
    gracefulStop: orNull(gracefulStop),
    env: orNull(env),
    exec: orNull(exec),
    tags: orNull(tags),
    ...rest,
  };
}

/**
 * `k6 inspect --execution-requirements`: the script's options as k6 lists them, plus
 * `totalDuration` (the last scenario's end offset, graceful stop included) and `maxVUs` (the
 * most VUs scenarios running at the same time may need) — what the k6-operator's initializer
 * reads to check `parallelism` and plan the run.
 */
export function executionRequirements(options: Record<string, unknown>): {
  requirements?: Record<string, unknown>;
  errors: string[];
} {
  const { scenarios, errors } = planScenarios(withoutNulls(options) as Record<string, unknown>);
  if (errors.length > 0) return { errors };
  let maxVus = 0;
  for (const at of scenarios.map((p) => p.startTimeMs)) {
    const active = scenarios.filter((p) => p.startTimeMs <= at && at < endMs(p));
    maxVus = Math.max(
      maxVus,
      active.reduce((sum, p) => sum + peakVus(p), 0),
    );
  }
  const total = scenarios.reduce((max, p) => Math.max(max, endMs(p)), 0);
  const listed: Record<string, unknown> = Object.fromEntries(
    OPTION_KEYS.map((key) => [key, options[key] ?? DEFAULTS[key] ?? null]),
  );
  if (typeof listed.scenarios === "object" && listed.scenarios !== null) {
    listed.scenarios = Object.fromEntries(
      Object.entries(listed.scenarios).map(([name, raw]) => [name, listedScenario(raw)]),
    );
  }
  return { requirements: { ...listed, totalDuration: goDuration(total), maxVUs: maxVus }, errors };
}
