import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type CalibratedRun, calibratedMultiplier } from "../adapters/lighthouse-calibration.ts";
import type { LighthouseCalibrationConfig } from "../schema/config.ts";
import { EXIT, HarnessError } from "../schema/index.ts";
import { interrupted, spawnWatched } from "./child-watchdog.ts";
import {
  auditRun,
  discardGather,
  gatherRun,
  type LighthouseProcessOptions,
  lighthouseCli,
  withRetries,
} from "./lighthouse-run.ts";

export interface LighthouseRunOptions {
  root: string;
  baseUrl: string;
  paths: string[];
  runs: number;
  chromePath: string;
  /** LHCI's working folder: `.lighthouseci/` is written under it. */
  outDir: string;
  /** The Lighthouse CI config, relative to root (default lighthouserc.json). */
  configFile?: string | undefined;
  /** CPU calibration (default: Lighthouse's own multiplier, uncalibrated). */
  calibration?: LighthouseCalibrationConfig | undefined;
  signal?: AbortSignal | undefined;
  log?: (line: string) => void;
}

/** What the runner hands to the adapter: every LHR, LHCI's assertion results, each run's calibration. */
export interface LighthouseRaw {
  lhrs: unknown[];
  assertions: unknown[];
  /** Per LHR (same order): the run's foreign CPU load while it gathered. */
  runs?: Pick<CalibratedRun, "foreignCores">[];
}

/**
 * @lhci/cli is an optional peer dependency: found from the project first (where a team that
 * uses Lighthouse CI has it), then from perfgate's own install.
 */
function lhciManifest(root: string): string {
  for (const from of [path.join(root, "package.json"), import.meta.url]) {
    try {
      return createRequire(from).resolve("@lhci/cli/package.json");
    } catch {
      // Not installed there.
    }
  }
  throw new HarnessError("E_NO_LHCI", "lighthouse: @lhci/cli is not installed", {
    hint: "npm i -D @lhci/cli (or remove lighthouse from perfgate.config.ts)",
    exitCode: EXIT.toolFailed,
  });
}

function configPath(options: Pick<LighthouseRunOptions, "root" | "configFile">): string {
  return path.resolve(options.root, options.configFile ?? "lighthouserc.json");
}

async function lhciAssert(options: LighthouseRunOptions): Promise<number> {
  const bin = path.join(path.dirname(lhciManifest(options.root)), "src/cli.js");
  const { exited } = spawnWatched(
    process.execPath,
    [bin, "assert", `--config=${configPath(options)}`],
    { cwd: options.outDir, stdio: "ignore" },
    { signal: options.signal, graceMs: 5_000 },
  );
  const exit = await exited;
  if (options.signal?.aborted) throw interrupted("lhci assert");
  return exit.code ?? 1;
}

/** lighthouserc's `ci.collect.settings` (the flags every run gets). */
async function collectSettings(
  options: Pick<LighthouseRunOptions, "root" | "configFile">,
): Promise<Record<string, unknown>> {
  const file = configPath(options);
  const text = await readFile(file, "utf8").catch(() => "{}");
  try {
    const rc = JSON.parse(text) as { ci?: { collect?: { settings?: Record<string, unknown> } } };
    return rc.ci?.collect?.settings ?? {};
  } catch {
    throw new HarnessError("E_CONFIG", `${file}: not valid JSON`, {
      hint: "fix the Lighthouse CI config",
      exitCode: EXIT.usage,
    });
  }
}

/** How to run Lighthouse's own CLI for this project: its path, Chromium and lighthouserc's settings. */
export async function lighthouseProcess(
  options: Pick<LighthouseRunOptions, "root" | "configFile" | "chromePath" | "signal">,
): Promise<LighthouseProcessOptions> {
  return {
    cli: lighthouseCli(lhciManifest(options.root)),
    chromePath: options.chromePath,
    settings: await collectSettings(options),
    signal: options.signal,
  };
}

/**
 * Each page `runs` times, one run at a time: gather, read the run's benchmarkIndex, audit with
 * the calibrated CPU multiplier (runners/lighthouse-run.ts), save the LHR where LHCI keeps its
 * own; then `lhci assert` against the config, with its median-run aggregation. Failing
 * assertions are results, not errors.
 */
export async function runLighthouse(options: LighthouseRunOptions): Promise<LighthouseRaw> {
  const lhciDir = path.join(options.outDir, ".lighthouseci");
  await rm(lhciDir, { recursive: true, force: true });
  await mkdir(lhciDir, { recursive: true });
  const lh = await lighthouseProcess(options);
  const calibration = options.calibration ?? false;
  options.log?.(
    `lighthouse: ${options.paths.length} pages × ${options.runs} runs${calibration ? `, CPU calibrated to benchmarkIndex ${calibration.targetBenchmarkIndex}` : ""}`,
  );
  const runs: LighthouseRaw["runs"] = [];
  const lhrs: unknown[] = [];
  // LHCI names LHRs lhr-<ms>.json; a counter from now keeps them unique and in run order.
  const stamp = Date.now();
  for (const p of options.paths) {
    const url = new URL(p, options.baseUrl).href;
    for (let run = 0; run < options.runs; run++) {
      options.signal?.throwIfAborted();
      const lhrFile = path.join(lhciDir, `lhr-${stamp + lhrs.length}.json`);
      const { gathered, multiplier } = await withRetries(
        3,
        async (round) => {
          const gathered = await gatherRun(
            lh,
            url,
            path.join(options.outDir, "runs", `${lhrs.length}-${round}`),
          );
          try {
            const multiplier =
              gathered.throttlingMethod === "simulate"
                ? calibratedMultiplier(
                    gathered.benchmarkIndex,
                    calibration,
                    gathered.configuredMultiplier,
                  )
                : gathered.configuredMultiplier;
            await auditRun(lh, gathered, multiplier, lhrFile);
            return { gathered, multiplier };
          } finally {
            await discardGather(gathered);
          }
        },
        options.log,
      );
      lhrs.push(JSON.parse(await readFile(lhrFile, "utf8")) as unknown);
      runs.push({ foreignCores: gathered.foreignLoad.meanCores });
      options.log?.(
        `lighthouse: ${p} run ${run + 1}/${options.runs}: benchmarkIndex ${Math.round(gathered.benchmarkIndex)}, CPU ×${multiplier}, foreign load ${gathered.foreignLoad.meanCores.toFixed(2)} cores`,
      );
    }
  }
  await lhciAssert(options);
  const assertions = JSON.parse(
    await readFile(path.join(lhciDir, "assertion-results.json"), "utf8").catch(() => "[]"),
  ) as unknown[];
  await writeFile(path.join(options.outDir, "runs.json"), `${JSON.stringify(runs)}\n`);
  return { lhrs, assertions, runs };
}
