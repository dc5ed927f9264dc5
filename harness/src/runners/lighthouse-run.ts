/**
 * One Lighthouse run in two processes, as Lighthouse's own `-G` / `-A` split does it: gather (the
 * page loads in Chromium; its trace, network log and the run's `benchmarkIndex` are saved), then
 * audit the saved artifacts with the CPU multiplier chosen from that benchmarkIndex. Simulated
 * throttling applies the multiplier only when auditing, so the gather does not depend on it
 * (its one use there, the requestIdleCallback shim's deadline, is left at the configured value).
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { EXIT, HarnessError, isHarnessError } from "../schema/index.ts";
import { interrupted, spawnWatched } from "./child-watchdog.ts";
import { type ForeignLoad, startForeignLoadSampler } from "./foreign-load.ts";

/** The Lighthouse CLI that @lhci/cli runs (its own dependency, so both agree on the version). */
export function lighthouseCli(lhciManifest: string): string {
  const manifest = createRequire(lhciManifest).resolve("lighthouse/package.json");
  return path.join(path.dirname(manifest), "cli/index.js");
}

export interface LighthouseProcessOptions {
  cli: string;
  chromePath: string;
  /** lighthouserc `ci.collect.settings` (Lighthouse flags), passed as LHCI passes them. */
  settings: Record<string, unknown>;
  signal?: AbortSignal | undefined;
}

/** What the gather saved, and what the machine did meanwhile. */
export interface Gathered {
  dir: string;
  benchmarkIndex: number;
  /** The saved settings' multiplier and method (lighthouserc's, or Lighthouse's default). */
  configuredMultiplier: number;
  throttlingMethod: string;
  foreignLoad: ForeignLoad;
}

/** Settings LHCI strips before running Lighthouse: this runner sets them itself. */
const RUNNER_SETTINGS = [
  "auditMode",
  "gatherMode",
  "output",
  "outputPath",
  "channel",
  "printConfig",
];

async function runCli(
  options: LighthouseProcessOptions,
  args: string[],
  flags: Record<string, unknown>,
  flagsFile: string,
  what: string,
): Promise<void> {
  await writeFile(flagsFile, JSON.stringify(flags));
  // Watched: its own process group (Chromium included) stopped with SIGINT, then SIGTERM and
  // SIGKILL; the guardian ends it if the harness dies.
  const { child, exited } = spawnWatched(
    process.execPath,
    [options.cli, ...args, `--cli-flags-path=${flagsFile}`],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CHROME_PATH: options.chromePath } },
    { signal: options.signal, stopSignal: "SIGINT", graceMs: 5_000 },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    // The last lines are what explain a failure; Lighthouse logs little with --quiet.
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = await exited;
  if (options.signal?.aborted) throw interrupted(`lighthouse ${what}`);
  const code = exit.code ?? 1;
  if (code !== 0) {
    throw new HarnessError(
      "E_LIGHTHOUSE",
      `lighthouse ${what} failed (exit ${code})\n  ${output.trim().split("\n").slice(-6).join("\n  ")}`,
      {
        hint: "check CHROME_PATH and that the app answers; run `npm run doctor`",
        exitCode: EXIT.toolFailed,
      },
    );
  }
}

function baseFlags(settings: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = { ...settings };
  for (const key of RUNNER_SETTINGS) delete flags[key];
  // LHCI appends --headless=new unless told to run headful; so does this runner.
  flags.chromeFlags = `${String(settings.chromeFlags ?? "")} --headless=new`.trim();
  return flags;
}

/** Load `url` once in Chromium and save the artifacts under `dir`, sampling foreign CPU load. */
export async function gatherRun(
  options: LighthouseProcessOptions,
  url: string,
  dir: string,
): Promise<Gathered> {
  await mkdir(path.dirname(dir), { recursive: true });
  const sampler = startForeignLoadSampler({ intervalMs: 250 });
  try {
    await runCli(
      options,
      [url, `-G=${dir}`, "--quiet"],
      baseFlags(options.settings),
      `${dir}.gather-flags.json`,
      `gather of ${url}`,
    );
  } finally {
    sampler.stop();
  }
  const artifacts = JSON.parse(await readFile(path.join(dir, "artifacts.json"), "utf8")) as {
    BenchmarkIndex?: number;
    settings?: { throttlingMethod?: string; throttling?: { cpuSlowdownMultiplier?: number } };
  };
  return {
    dir,
    benchmarkIndex: artifacts.BenchmarkIndex ?? 0,
    configuredMultiplier: artifacts.settings?.throttling?.cpuSlowdownMultiplier ?? 4,
    throttlingMethod: artifacts.settings?.throttlingMethod ?? "simulate",
    foreignLoad: sampler.stop(),
  };
}

/**
 * Audit saved artifacts with `multiplier` and write the LHR to `lhrFile`. Lighthouse refuses
 * artifacts gathered with other settings, so the saved settings get the same multiplier first
 * (the gather did not use it: see the file comment).
 */
export async function auditRun(
  options: LighthouseProcessOptions,
  gathered: Gathered,
  multiplier: number,
  lhrFile: string,
): Promise<void> {
  const file = path.join(gathered.dir, "artifacts.json");
  const artifacts = JSON.parse(await readFile(file, "utf8")) as {
    settings: { throttling: Record<string, unknown> };
  };
  artifacts.settings.throttling.cpuSlowdownMultiplier = multiplier;
  await writeFile(file, JSON.stringify(artifacts));
  const flags = baseFlags(options.settings);
  flags.throttling = {
    ...(flags.throttling as Record<string, unknown> | undefined),
    cpuSlowdownMultiplier: multiplier,
  };
  await runCli(
    options,
    [`-A=${gathered.dir}`, "--output=json", `--output-path=${lhrFile}`, "--quiet"],
    flags,
    `${gathered.dir}.audit-flags.json`,
    `audit of ${path.basename(gathered.dir)}`,
  );
}

/** Drop a gather's trace and artifacts (tens of MB a run) once its LHRs are written. */
export async function discardGather(gathered: Gathered): Promise<void> {
  await rm(gathered.dir, { recursive: true, force: true });
  await rm(`${gathered.dir}.gather-flags.json`, { force: true });
  await rm(`${gathered.dir}.audit-flags.json`, { force: true });
}

/**
 * Run `attempt` (a gather and its audits) up to `times` times, as LHCI retries a failed run: on
 * a machine this busy Chromium sometimes loses the trace (NO_NAVSTART), and that run is
 * gathered again. Other errors (no Chromium, an abort) are not retried.
 */
export async function withRetries<T>(
  times: number,
  attempt: (round: number) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      const retryable = isHarnessError(error) && error.code === "E_LIGHTHOUSE";
      if (!retryable || round + 1 >= times) throw error;
      log?.(
        `lighthouse: run failed, gathering again (${round + 2}/${times}): ${error.message.split("\n")[1]?.trim() ?? ""}`,
      );
    }
  }
}
