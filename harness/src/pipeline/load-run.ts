import path from "node:path";
import type { PerfgateConfig } from "../schema/config.ts";
import type { BenchProfileName } from "./bench.ts";
import { type CommittedRun, commitRun } from "./commit-run.ts";
import { runLoadPipeline } from "./load.ts";
import {
  applyOverrides,
  type LoadProfile,
  type ProfileOverrides,
  skippedStageIds,
} from "./profiles.ts";
import { addMicrobench, withAllLighthousePages } from "./record-suites.ts";
import { holdReportsForRun } from "./run-lock.ts";

/** One `perfgate load`: the configured profile as the flags change it, from start to commit. */
export interface LoadRunOptions {
  config: PerfgateConfig;
  /** The config file's folder: relative paths and `.perf/` are under it. */
  root: string;
  profileName: string;
  /** The configured profile (config/profile.ts toLoadProfile), before the flags change it. */
  profile: LoadProfile;
  overrides: ProfileOverrides;
  /** Lighthouse on every page of `lighthouse.pages` (the main-branch record). */
  allLighthousePages: boolean;
  /** Microbenchmarks measured after the load, into the same record. */
  bench?:
    | { profile: BenchProfileName; suites?: string[] | undefined; processes?: number }
    | undefined;
  baseUrl: string | undefined;
  allowHosts: string[];
  port: number;
  reportsDir: string;
  save: boolean;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * The load flow as one call: profile, the reports lock from start to commit (a second run on the
 * same reports refuses at once), the stages, the microbenchmarks, the commit.
 */
export function runLoad(options: LoadRunOptions): Promise<CommittedRun> {
  const { config, root, bench, signal, log, env } = options;
  const flagged = applyOverrides(options.profile, options.overrides);
  const profile = options.allLighthousePages
    ? withAllLighthousePages(flagged, config.lighthouse)
    : flagged;
  return holdReportsForRun(options.reportsDir, options.save, async () => {
    const { run: loaded } = await runLoadPipeline({
      root,
      profileName: options.profileName,
      profile,
      perfDir: path.join(root, ".perf"),
      baseUrl: options.baseUrl,
      start: options.baseUrl ? undefined : config.target.start,
      bundle: config.bundle,
      skip: skippedStageIds(options.overrides.skip),
      lighthouse: config.lighthouse,
      allowHosts: options.allowHosts,
      redact: config.redact,
      port: options.port,
      env,
      signal,
      log,
    });
    const include = config.microbench?.include;
    const measured = bench
      ? await addMicrobench(loaded, { root, include, ...bench, signal, log, env })
      : loaded;
    return commitRun(measured, {
      reportsDir: options.reportsDir,
      perfDir: path.join(root, ".perf"),
      save: options.save,
      redact: config.redact,
    });
  });
}
