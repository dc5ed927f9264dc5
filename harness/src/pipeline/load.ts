import { createRequire } from "node:module";
import path from "node:path";
import { scenarioId, selectK6Engine } from "../runners/k6.ts";
import { bundleK6Script } from "../runners/k6-bundle.ts";
import { assertLoadTarget } from "../runners/target.ts";
import { assertTargetListening } from "../runners/target-reachable.ts";
import type { PerfgateConfig, StartCommand } from "../schema/config.ts";
import { EXIT, HarnessError, type RunResult, redactorFor } from "../schema/index.ts";
import { judgeForeignLoad } from "../verdicts/foreign-load.ts";
import type { BundledScenario, LoadContext } from "./load-context.ts";
import { DEFAULT_SEED_PRODUCTS, type LoadProfile } from "./profiles.ts";
import { beginRunRecord } from "./run-record.ts";
import { runStages, type Stage } from "./stage.ts";
import { appReadyStage, appStage } from "./stages/app.ts";
import { bundleStage } from "./stages/bundle.ts";
import { endpointsStage } from "./stages/endpoints.ts";
import { faultsStage } from "./stages/faults.ts";
import { k6Stage } from "./stages/k6.ts";
import { lighthouseStage } from "./stages/lighthouse.ts";
import { memorySamplingStage, memoryStage } from "./stages/memory.ts";

/**
 * `perfgate load`, in order. Each stage says itself whether its profile configures it; the
 * memory stages bracket the scenarios they watch.
 */
export const LOAD_STAGES: readonly Stage<LoadContext>[] = [
  appStage,
  bundleStage,
  appReadyStage,
  memorySamplingStage,
  k6Stage,
  memoryStage,
  faultsStage,
  endpointsStage,
  lighthouseStage,
];

export interface LoadPipelineOptions {
  root: string;
  profileName: string;
  profile: LoadProfile;
  /** Scratch area for raw outputs: `.perf/`. */
  perfDir: string;
  /** Test an app that is already running instead of starting one (loopback unless allowed). */
  baseUrl?: string | undefined;
  allowHosts?: string[];
  /** The config's extra sensitive names (`redact`); the built-in ones are always redacted. */
  redact?: readonly string[];
  port?: number;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Live tool output (TTY runs only). */
  echo?: ((text: string) => void) | undefined;
  now?: () => Date;
  /** Stage ids the user left out (`--skip`): named as skipped, not run. */
  skip?: ReadonlySet<string>;
  /** perfgate.config.ts `target.start`, `bundle` and `lighthouse` (see LoadContext). */
  start?: StartCommand | undefined;
  bundle?: PerfgateConfig["bundle"];
  lighthouse?: PerfgateConfig["lighthouse"];
}

export interface LoadPipelineResult {
  run: RunResult;
  rawDir: string;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

async function bundleScenario(root: string, rawDir: string, file: string) {
  const id = scenarioId(file);
  const bundle = await bundleK6Script(
    path.resolve(root, file),
    path.join(rawDir, "k6", id, "script.js"),
  );
  return { id, bundle } satisfies BundledScenario;
}

/** The pipeline's log and live echo with secrets redacted (a stage's error may quote a URL). */
function redactingLog(options: LoadPipelineOptions): LoadPipelineOptions {
  const { text } = redactorFor(options.redact);
  const { log, echo } = options;
  return {
    ...options,
    log: (line) => log(text(line)),
    echo: echo ? (chunk) => echo(text(chunk)) : undefined,
  };
}

/**
 * `perfgate load`: the profile's stages into one validated run record. Scenarios are bundled
 * before anything starts, so a missing file or a syntax error fails fast with nothing started
 * and nothing written.
 */
export async function runLoadPipeline(
  unredacted: LoadPipelineOptions,
): Promise<LoadPipelineResult> {
  const options = redactingLog(unredacted);
  const { root, profile } = options;
  const env = options.env ?? process.env;
  const target = options.baseUrl
    ? assertLoadTarget(options.baseUrl, options.allowHosts)
    : undefined;
  if (profile.faults && options.baseUrl) {
    throw new HarnessError(
      "E_USAGE",
      "load: the faults profile starts, kills and restarts its own app and redis-server; it cannot test --base-url",
      { hint: "drop --base-url for --profile faults", exitCode: EXIT.usage },
    );
  }
  if (target) await assertTargetListening(target, options.signal);
  const engine = await selectK6Engine(env);
  const autocannonVersion = packageVersion("autocannon");
  const record = await beginRunRecord(
    root,
    options.profileName,
    {
      [engine.kind === "k6" ? "k6" : "perfgate-engine"]: engine.version,
      autocannon: autocannonVersion,
    },
    env,
    options.now,
  );
  const rawDir = path.join(options.perfDir, record.runId, "raw");
  const scenarios = [];
  for (const file of profile.scenarios) scenarios.push(await bundleScenario(root, rawDir, file));
  const faultsScenario = profile.faults
    ? await bundleScenario(root, rawDir, profile.faults.scenario)
    : undefined;
  options.log(
    `run ${record.runId} · profile ${options.profileName} · ${engine.kind === "k6" ? `k6 ${engine.version} at ${engine.path}` : "built-in k6 engine (k6 not found)"}`,
  );
  // The profile's catalogue size (the environment wins), for the app, the scenarios and the paths.
  const seedProducts = Number(
    env.PERFGATE_APP_SEED_PRODUCTS || profile.seedProducts || DEFAULT_SEED_PRODUCTS,
  );
  const context: LoadContext = {
    root,
    rawDir,
    profile,
    env,
    echo: options.echo,
    engine,
    autocannonVersion,
    port: options.port ?? 0,
    allowHosts: options.allowHosts ?? [],
    redact: options.redact ?? [],
    scenarios,
    faultsScenario,
    baseUrl: options.baseUrl,
    external: options.baseUrl !== undefined,
    seedProducts,
    appEnv: {
      PERFGATE_APP_SEED_PRODUCTS: String(seedProducts),
      // The reference app's build writes into the run's raw folder (PERFGATE_WEB_OUT_DIR), and
      // the app reads files on request, so it can start before the build is written.
      ...(options.bundle && profile.bundle !== false
        ? { PERFGATE_APP_WEB_DIST: path.join(rawDir, "bundle", "dist") }
        : {}),
    },
    start: options.start,
    bundle: options.bundle,
    lighthouse: options.lighthouse,
    signal: options.signal,
    log: options.log,
  };
  const skipped = options.skip ?? new Set<string>();
  const stages = LOAD_STAGES.map((stage) =>
    skipped.has(stage.id) ? { ...stage, skip: () => "skipped (--skip)" } : stage,
  );
  // A stage whose section perfgate.config.ts lacks is named in the run record too, so a
  // report says which stages the run never had, not only the log.
  const unconfigured = stages.flatMap((stage) => {
    const reason = stage.skip(context);
    return reason?.endsWith("in perfgate.config.ts")
      ? [{ code: "stage-skipped" as const, message: `${stage.id} not run: ${reason}` }]
      : [];
  });
  const outcome = await runStages(stages, context);
  outcome.warnings.push(...unconfigured);
  // Numbers measured while other processes used the machine carry that with them (issue 18).
  const foreign = judgeForeignLoad(outcome.suites, outcome.verdicts, {
    externalTarget: context.external,
  });
  options.log("writing the run record…");
  const run = record.finish({
    ...outcome,
    verdicts: foreign.verdicts,
    warnings: [...outcome.warnings, ...foreign.warnings],
  });
  // Redacted here, at the boundary: report.md, the terminal summary, run.json and the trend
  // pages are all rendered from this record, never from what the tools printed.
  return { run: redactorFor(options.redact).deep(run), rawDir };
}
