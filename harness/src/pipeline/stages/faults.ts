import { createReadStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import {
  type FaultEvent,
  type RequestSample,
  requestSampleOf,
} from "../../adapters/fault-timeline.ts";
import { type AppProcess, startAppProcess } from "../../runners/app.ts";
import { FAULT_LABELS, type FaultTarget, injectFault, pause } from "../../runners/fault-steps.ts";
import { type K6Engine, runK6Scenario } from "../../runners/k6.ts";
import { type RedisProcess, startRedisProcess } from "../../runners/redis.ts";
import { detectRedis } from "../../runners/tools.ts";
import type { QualityWarning, Suite, Verdict } from "../../schema/index.ts";
import { analyzeFaults, DEFAULT_RECOVERY_BAND } from "../../verdicts/fault-impact.ts";
import { faultsSuite, judgeFaults } from "../../verdicts/faults.ts";
import type { BundledScenario, LoadContext } from "../load-context.ts";
import type { FaultsProfile } from "../profiles.ts";
import type { Stage } from "../stage.ts";
import { type K6Outcome, readK6Outcome } from "./k6-outcome.ts";

export interface FaultsStageOptions {
  root: string;
  profile: FaultsProfile;
  engine: K6Engine;
  /** Scenario id and its esbuild bundle. */
  scenario: { id: string; bundle: string };
  rawDir: string;
  /** App flags of the run (web build...); the stage adds debug routes and its REDIS_URL. */
  appEnv: Record<string, string>;
  /** 0 picks a free port at the first start; restarts reuse the port the app got. */
  port: number;
  signal: AbortSignal;
  log: (line: string) => void;
  echo?: ((text: string) => void) | undefined;
  /** `--allow-host` and the config's `redact` names, for the engine. */
  allowHosts?: readonly string[];
  redact?: readonly string[];
}

export interface FaultsStageResult {
  suites: Suite[];
  verdicts: Verdict[];
  warnings: QualityWarning[];
  interrupted: boolean;
}

/** Room a fault needs after it cleared for its recovery to be seen inside the load. */
const MIN_RECOVERY_WINDOW_SECONDS = 8;

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "failed";
}

/** Resolve once the engine has written its first sample (the load started), or `done` settled. */
export async function loadStarted(file: string, done: Promise<unknown>, signal: AbortSignal) {
  let settled = false;
  // Both outcomes handled here: `done.finally()` made a second promise that rejected unhandled
  // when the engine failed (issue 22 H4: a stack in --profile faults after Ctrl+C).
  const mark = () => {
    settled = true;
  };
  done.then(mark, mark);
  for (let waited = 0; waited < 60_000 && !settled && !signal.aborted; waited += 100) {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) return Date.now();
    await pause(100, signal);
  }
  return undefined;
}

async function readSamples(file: string): Promise<RequestSample[]> {
  const samples: RequestSample[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const sample = requestSampleOf(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

async function startFaultsRedis(warnings: QualityWarning[]): Promise<RedisProcess | undefined> {
  const redisTool = await detectRedis();
  if (!redisTool.path) {
    warnings.push({
      code: "stage-skipped",
      suite: "faults",
      message:
        "redis-server not found: the app runs without Redis and the Redis fault fails (apt-get install redis-server)",
    });
    return undefined;
  }
  return startRedisProcess({ binary: redisTool.path }).catch((error) => {
    warnings.push({ code: "stage-skipped", suite: "faults", message: message(error) });
    return undefined;
  });
}

/** The scenario's errored suite when the engine failed, so the fault table still stands. */
function erroredK6(
  id: string,
  engine: K6Engine,
  error: unknown,
  log: (line: string) => void,
): K6Outcome {
  log(`k6 ${id}: errored — ${message(error)}`);
  return {
    suite: {
      kind: "load",
      id,
      tool: { name: engine.kind === "k6" ? "k6" : "perfgate-engine", version: engine.version },
      status: "errored",
      error: message(error),
      metrics: [],
    },
    verdicts: [],
    warnings: [],
    interrupted: false,
  };
}

/**
 * Inject the faults one after another while the load runs. Every plan becomes an event: a
 * fault that cannot start in time to show its recovery is recorded as not injected, saying why.
 */
async function injectSchedule(
  profile: FaultsProfile,
  target: FaultTarget,
  load: { startMs: number | undefined; endMs: number },
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<FaultEvent[]> {
  const { startMs, endMs } = load;
  const events: FaultEvent[] = [];
  let previousCleared = startMs ?? 0;
  for (const plan of profile.schedule) {
    const startAt = Math.max(
      (startMs ?? 0) + plan.atSeconds * 1000,
      previousCleared + profile.gapSeconds * 1000,
    );
    const active = plan.kind === "slow-db" ? plan.forSeconds : 0;
    const tooLate = startAt + (active + MIN_RECOVERY_WINDOW_SECONDS) * 1000 > endMs;
    if (startMs === undefined || signal.aborted || tooLate) {
      const why =
        startMs === undefined
          ? "the load never started"
          : signal.aborted
            ? "the run was interrupted"
            : `the load ends ${((endMs - startAt) / 1000).toFixed(0)} s after its earliest start, too soon to see a recovery`;
      events.push({
        id: plan.kind,
        label: FAULT_LABELS[plan.kind],
        injectedAtMs: endMs,
        clearedAtMs: endMs,
        step: "failed",
        message: `not injected: ${why}`,
      });
      log(`fault ${plan.kind}: not injected (${why})`);
      continue;
    }
    await pause(startAt - Date.now(), signal);
    log(`fault ${plan.kind}: injecting at ${((Date.now() - startMs) / 1000).toFixed(1)} s`);
    const event = await injectFault(plan, target);
    events.push(event);
    previousCleared = event.clearedAtMs;
    log(
      `fault ${plan.kind}: ${event.step === "ok" ? "cleared" : `FAILED: ${event.message}`} after ${((event.clearedAtMs - event.injectedAtMs) / 1000).toFixed(1)} s`,
    );
  }
  return events;
}

/** The per-second timeline around each fault, from the engine's samples; kept as timeline.json. */
async function analyzeTimeline(
  outJson: string,
  events: FaultEvent[],
  endMs: number,
  profile: FaultsProfile,
  dir: string,
) {
  const samples = await readSamples(outJson).catch(() => [] as RequestSample[]);
  const loadEnd = samples.reduce((max, s) => Math.max(max, s.timeMs), endMs);
  const impacts = analyzeFaults(samples, events, loadEnd + 1, {
    ...DEFAULT_RECOVERY_BAND,
    ...profile.band,
  });
  await writeFile(
    path.join(dir, "timeline.json"),
    `${JSON.stringify(
      impacts.map(({ event, seconds }) => ({ id: event.id, seconds })),
      null,
      1,
    )}\n`,
  );
  return impacts;
}

/**
 * The faults profile: its own redis-server and app (debug routes on), one constant-arrival-rate
 * scenario with `--out json`, and the faults injected one after another while it runs. Every
 * fault becomes an event, failed steps included; the timeline analysis turns the events and
 * the requests' finish times into the fault table and its verdicts. Only the app failing to
 * start at all throws (the caller records the stage as errored).
 */
export async function runFaultsStage(options: FaultsStageOptions): Promise<FaultsStageResult> {
  const { root, profile, engine, scenario, signal, log } = options;
  const dir = path.join(options.rawDir, "faults");
  const k6Dir = path.join(options.rawDir, "k6", scenario.id);
  await mkdir(dir, { recursive: true });
  await mkdir(k6Dir, { recursive: true });
  const warnings: QualityWarning[] = [];
  const redis = await startFaultsRedis(warnings);
  const appEnv: Record<string, string> = {
    ...options.appEnv,
    ...profile.appEnv,
    PERFGATE_APP_DEBUG: "on",
    REDIS_URL: redis?.url ?? "off",
  };
  const products = appEnv.PERFGATE_APP_SEED_PRODUCTS ?? process.env.PERFGATE_APP_SEED_PRODUCTS;
  let app: AppProcess | undefined;
  try {
    app = await startAppProcess({ root, port: options.port, env: appEnv, signal });
    const port = Number(new URL(app.url).port);
    log(`faults: app at ${app.url}, redis-server ${redis ? `at ${redis.url}` : "none"}`);
    const target: FaultTarget = {
      app: () => app as AppProcess,
      restartApp: async () => {
        const stopping = Date.now();
        await app?.stop();
        const starting = Date.now();
        app = await startAppProcess({ root, port, env: appEnv, signal, readyTimeoutMs: 45_000 });
        return { stopMs: starting - stopping, startMs: Date.now() - starting };
      },
      redis,
      signal,
    };
    const outJson = path.join(k6Dir, "samples.ndjson");
    const run = runK6Scenario({
      engine,
      scenario: scenario.id,
      bundle: scenario.bundle,
      outDir: k6Dir,
      outJson,
      vars: {
        ...profile.vars,
        // The read mix must ask only for products the app seeded (tests seed fewer).
        ...(products ? { PRODUCTS: products } : {}),
        FAULTS_DURATION: `${profile.loadSeconds}s`,
        BASE_URL: app.url,
      },
      signal,
      echo: options.echo,
      allowHosts: options.allowHosts,
      redact: options.redact,
    });
    run.catch(() => {});
    const startMs = await loadStarted(outJson, run, signal);
    const endMs = (startMs ?? Date.now()) + profile.loadSeconds * 1000;
    const events = await injectSchedule(profile, target, { startMs, endMs }, log, signal);
    await writeFile(path.join(dir, "events.json"), `${JSON.stringify(events, null, 2)}\n`);
    // The engine failing (exit code, no summary) costs its own suite, never the fault table.
    const k6 = await run
      .then((raw) => readK6Outcome(raw, engine))
      .catch((error: unknown) => erroredK6(scenario.id, engine, error, log));
    const impacts = await analyzeTimeline(outJson, events, endMs, profile, dir);
    const suite = faultsSuite(impacts, { name: "perfgate-faults", version: engine.version });
    return {
      suites: [k6.suite, suite],
      verdicts: [...k6.verdicts, ...judgeFaults(impacts, profile.recoveryLimitSeconds)],
      warnings: [...warnings, ...k6.warnings],
      interrupted: k6.interrupted || signal.aborted,
    };
  } finally {
    await app?.stop();
    await redis?.stop();
  }
}

/** The faults profile's stage: its own app and redis-server, faults during one scenario. */
export const faultsStage: Stage<LoadContext> = {
  id: "faults",
  unit: { kind: "faults", tool: "perfgate-faults" },
  skip: ({ profile, faultsScenario }) =>
    profile.faults && faultsScenario ? undefined : "not configured in this profile",
  describe: ({ profile }) =>
    `faults: ${profile.faults?.schedule.map((f) => f.kind).join(", ")} during ${profile.faults?.loadSeconds} s of load`,
  run: (context) =>
    runFaultsStage({
      root: context.root,
      profile: context.profile.faults as FaultsProfile,
      engine: context.engine,
      scenario: context.faultsScenario as BundledScenario,
      rawDir: context.rawDir,
      appEnv: context.appEnv,
      port: context.port,
      signal: context.signal,
      log: context.log,
      echo: context.echo,
      allowHosts: context.allowHosts,
      redact: context.redact,
    }),
};
