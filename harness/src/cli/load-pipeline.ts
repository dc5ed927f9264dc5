import { createRequire } from "node:module";
import path from "node:path";
import { DEFAULT_PRODUCTS } from "../../../scenarios/_lib/catalogue.ts";
import { type AppProcess, startAppProcess } from "../runners/app.ts";
import { switchAppFlags } from "../runners/app-switches.ts";
import {
  makeRunId,
  readEnvironment,
  readGitInfo,
  readLoadAverage,
} from "../runners/environment.ts";
import { runK6Scenario, scenarioId, selectK6Engine } from "../runners/k6.ts";
import { bundleK6Script } from "../runners/k6-bundle.ts";
import { assertLoadTarget } from "../runners/target.ts";
import { detectChromium } from "../runners/tools.ts";
import {
  EXIT,
  HarnessError,
  isHarnessError,
  parseRunResult,
  type QualityWarning,
  type RunResult,
  type Suite,
  type Verdict,
} from "../schema/index.ts";
import { runBundleStage } from "./bundle-stage.ts";
import { runEndpointStage } from "./endpoint-stage.ts";
import { runFaultsStage } from "./faults-stage.ts";
import { readK6Outcome } from "./k6-suite.ts";
import { runLighthouseStage } from "./lighthouse-stage.ts";
import { startMemoryStage } from "./memory-stage.ts";
import type { LoadProfile } from "./profiles.ts";

export interface LoadPipelineOptions {
  root: string;
  profileName: string;
  profile: LoadProfile;
  /** Scratch area for raw outputs: `.perf/`. */
  perfDir: string;
  /** Test an app that is already running instead of starting one (loopback unless allowed). */
  baseUrl?: string | undefined;
  allowHosts?: string[];
  port?: number;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Live tool output (TTY runs only). */
  echo?: ((text: string) => void) | undefined;
  now?: () => Date;
}

export interface LoadPipelineResult {
  run: RunResult;
  rawDir: string;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * `perfgate load`: app up -> k6 scenarios -> autocannon -> normalize -> one validated run record.
 * Scenarios are bundled before the app starts, so a missing file or a syntax error fails fast
 * with nothing started and nothing written.
 */
export async function runLoadPipeline(options: LoadPipelineOptions): Promise<LoadPipelineResult> {
  const { root, profile, perfDir, signal, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const git = await readGitInfo(root);
  const runId = makeRunId(startedAt, git.shortSha);
  const rawDir = path.join(perfDir, runId, "raw");
  if (options.baseUrl) assertLoadTarget(options.baseUrl, options.allowHosts);

  const bundles = [];
  for (const script of profile.scenarios) {
    const id = scenarioId(script);
    const bundle = await bundleK6Script(
      path.resolve(root, script),
      path.join(rawDir, "k6", id, "script.js"),
    );
    bundles.push({ id, bundle });
  }
  const faultsScenario = profile.faults
    ? {
        id: scenarioId(profile.faults.scenario),
        bundle: await bundleK6Script(
          path.resolve(root, profile.faults.scenario),
          path.join(rawDir, "k6", scenarioId(profile.faults.scenario), "script.js"),
        ),
      }
    : undefined;
  if (profile.faults && options.baseUrl) {
    throw new HarnessError(
      "E_USAGE",
      "load: the faults profile starts, kills and restarts its own app and redis-server; it cannot test --base-url",
      { hint: "drop --base-url for --profile faults", exitCode: EXIT.usage },
    );
  }
  const engine = await selectK6Engine(root, env);
  const autocannonVersion = packageVersion("autocannon");
  const envInfo = readEnvironment(
    {
      [engine.kind === "k6" ? "k6" : "perfgate-engine"]: engine.version,
      autocannon: autocannonVersion,
    },
    env,
  );
  log(
    `run ${runId} · profile ${options.profileName} · ${engine.kind === "k6" ? `k6 ${engine.version} at ${engine.path}` : "built-in k6 engine (k6 not found)"}`,
  );

  const suites: Suite[] = [];
  const verdicts: Verdict[] = [];
  const warnings: QualityWarning[] = [];
  let interrupted = false;
  let app: AppProcess | undefined;
  // The profile's catalogue size (the environment wins), for the app, the scenarios and the read mix.
  const seedProducts = Number(
    env.PERFGATE_APP_SEED_PRODUCTS || profile.seedProducts || DEFAULT_PRODUCTS,
  );
  const seedEnv = { PERFGATE_APP_SEED_PRODUCTS: String(seedProducts) };
  // The app serves the web build this run measures, for the Lighthouse stage (files are read on
  // request, so it can start before the build is written).
  const webDist =
    profile.bundle === false
      ? undefined
      : { PERFGATE_APP_WEB_DIST: path.join(rawDir, "bundle", "dist") };
  // The faults stage runs its own app (it restarts it); others share this one.
  const needsApp =
    bundles.length > 0 || profile.endpoints.length > 0 || profile.lighthouse !== undefined;
  // The app starts (seeding its database template on first use) while vite builds: neither
  // step is measured for speed. Debug routes on: endpoint passes switch caching at run time.
  const appStarted = Date.now();
  const appStarting =
    !options.baseUrl && needsApp
      ? startAppProcess({
          root,
          port: options.port ?? 0,
          signal,
          env: { ...webDist, ...seedEnv, PERFGATE_APP_DEBUG: "on", ...profile.memory?.appEnv },
        })
      : undefined;
  // Awaited after the bundle; until then a failed start must not be an unhandled rejection.
  appStarting?.catch(() => {});
  if (appStarting) log(`app: starting (${seedProducts} products; seeded once per machine)…`);
  const bundleStarted = Date.now();
  if (profile.bundle !== false) log("bundle web: building with vite…");
  const bundle =
    profile.bundle === false
      ? undefined
      : await runUnit("web", "bundle", "vite", "", async () => {
          const result = await runBundleStage(root, rawDir, signal);
          if (!result)
            throw new HarnessError("E_NO_WEB", "app/web is missing", {
              exitCode: EXIT.toolFailed,
            });
          verdicts.push(...result.verdicts);
          return result.suite;
        }).catch(async (error: unknown) => {
          await appStarting?.then((started) => started.stop()).catch(() => {});
          throw error;
        });
  if (bundle) {
    suites.push(bundle);
    log(
      `bundle web: ${bundle.status}${bundle.error ? ` — ${bundle.error}` : ""} (${((Date.now() - bundleStarted) / 1000).toFixed(1)} s)`,
    );
  }
  try {
    let baseUrl = options.baseUrl;
    if (appStarting) {
      app = await appStarting;
      baseUrl = app.url;
      log(`app up at ${baseUrl} (${((Date.now() - appStarted) / 1000).toFixed(1)} s)`);
    }
    if (baseUrl) assertLoadTarget(baseUrl, options.allowHosts);
    const memory =
      profile.memory && baseUrl
        ? startMemoryStage({
            baseUrl,
            profile: profile.memory,
            rawDir,
            signal,
            log,
            ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
          })
        : undefined;
    for (const { id, bundle } of bundles) {
      if (signal.aborted || !baseUrl) break;
      const target = baseUrl;
      log(`k6 ${id}: running…`);
      const unit = await runUnit(
        id,
        "load",
        engine.kind === "k6" ? "k6" : "perfgate-engine",
        engine.version,
        async () => {
          const raw = await runK6Scenario({
            engine,
            scenario: id,
            bundle,
            outDir: path.join(rawDir, "k6", id),
            vars: { PRODUCTS: String(seedProducts), ...profile.vars, BASE_URL: target },
            signal,
            echo: options.echo,
            onStart: (pid) => memory?.watchGenerator(pid),
          });
          const outcome = await readK6Outcome(raw, engine);
          interrupted ||= outcome.interrupted;
          verdicts.push(...outcome.verdicts);
          warnings.push(...outcome.warnings);
          return outcome.suite;
        },
      );
      suites.push(unit);
      log(`k6 ${id}: ${unit.status}${unit.error ? ` — ${unit.error}` : ""}`);
    }
    if (memory) {
      const stage = await memory.finish();
      suites.push(stage.suite);
      verdicts.push(...stage.verdicts);
      warnings.push(...stage.warnings);
    }
    if (profile.faults && faultsScenario && !signal.aborted) {
      log(`faults ${faultsScenario.id}: running…`);
      const faults = profile.faults;
      let stage: Awaited<ReturnType<typeof runFaultsStage>> | undefined;
      const unit = await runUnit(
        "faults",
        "faults",
        "perfgate-faults",
        engine.version,
        async () => {
          stage = await runFaultsStage({
            root,
            profile: faults,
            engine,
            scenario: faultsScenario,
            rawDir,
            appEnv: { ...webDist, ...seedEnv },
            port: options.port ?? 0,
            signal,
            log,
            echo: options.echo,
          });
          return stage.suites[0] as Suite;
        },
      );
      if (stage) {
        suites.push(...stage.suites);
        verdicts.push(...stage.verdicts);
        warnings.push(...stage.warnings);
        interrupted ||= stage.interrupted;
      } else suites.push(unit);
      log(`faults: ${unit.status}${unit.error ? ` — ${unit.error}` : ""}`);
    }
    if (baseUrl && !signal.aborted && profile.endpoints.length > 0) {
      const endpoints = await runEndpointStage({
        passes: profile.endpoints,
        baseUrl,
        startVariant: options.baseUrl
          ? undefined
          : (flags) => startAppProcess({ root, signal, env: { ...webDist, ...seedEnv, ...flags } }),
        switchApp: options.baseUrl ? undefined : (flags) => switchAppFlags(baseUrl, flags, signal),
        seedProducts,
        rawDir,
        autocannonVersion,
        signal,
        log,
        unit: (id, work) => runUnit(id, "endpoint", "autocannon", autocannonVersion, work),
      });
      suites.push(...endpoints.suites);
      warnings.push(...endpoints.warnings);
    }
    if (baseUrl && profile.lighthouse && !signal.aborted) {
      const chromium = await detectChromium(env);
      if (bundle && bundle.status !== "ok" && !options.baseUrl) {
        // The app serves this run's build, and there is none to measure.
        warnings.push({
          code: "stage-skipped",
          message: "lighthouse stage skipped: the web bundle did not build",
        });
        log("lighthouse: skipped, the web bundle did not build");
      } else if (!chromium.path) {
        warnings.push({
          code: "stage-skipped",
          message:
            "lighthouse stage skipped: no Chromium found (apt-get install chromium, or set CHROME_PATH)",
        });
        log("lighthouse: skipped, no Chromium found");
      } else {
        const { paths, runs } = profile.lighthouse;
        const target = baseUrl;
        let stage: Awaited<ReturnType<typeof runLighthouseStage>> | undefined;
        const lab = await runUnit("lighthouse", "lighthouse", "lighthouse", "", async () => {
          stage = await runLighthouseStage({
            root,
            baseUrl: target,
            rawDir,
            chromePath: chromium.path as string,
            paths,
            runs,
            signal,
            log,
          });
          return stage.suites[0] as Suite;
        });
        if (stage) {
          const gate = profile.lighthouse.gate;
          suites.push(...stage.suites);
          verdicts.push(
            ...stage.verdicts.map((v) => (gate ? v : { ...v, level: "warn" as const })),
          );
        } else suites.push(lab);
        log(`lighthouse: ${lab.status}${lab.error ? ` — ${lab.error}` : ""}`);
      }
    }
  } finally {
    if (app) {
      const stopping = Date.now();
      log("app: stopping…");
      await app.stop();
      log(`app: stopped (${((Date.now() - stopping) / 1000).toFixed(1)} s)`);
    }
  }
  interrupted ||= signal.aborted;
  if (interrupted) {
    warnings.push({ code: "interrupted", message: "the run was interrupted; results are partial" });
  }
  const run = parseRunResult(
    {
      schemaVersion: 1,
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      status: interrupted ? "interrupted" : "complete",
      profile: options.profileName,
      git,
      env: { ...envInfo, loadAvgAfter: readLoadAverage() },
      suites,
      verdicts,
      warnings,
    },
    `run ${runId}`,
  );
  return { run, rawDir };
}

/** A unit that fails becomes an `errored` suite and the run goes on (C15); usage errors still stop it. */
async function runUnit(
  id: string,
  kind: Suite["kind"],
  toolName: string,
  toolVersion: string,
  work: () => Promise<Suite>,
): Promise<Suite> {
  try {
    return await work();
  } catch (error) {
    if (isHarnessError(error) && error.exitCode === EXIT.usage) throw error;
    const message = isHarnessError(error) ? error.message.split("\n")[0] : String(error);
    return {
      kind,
      id,
      tool: { name: toolName, version: toolVersion },
      status: "errored",
      error: message ?? "failed",
      metrics: [],
    };
  }
}
