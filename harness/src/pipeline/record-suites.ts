import type { PerfgateConfig } from "../schema/config.ts";
import { EXIT, HarnessError, type RunResult } from "../schema/index.ts";
import { type BenchProfileName, runBench } from "./bench.ts";
import type { LoadProfile } from "./profiles.ts";

/**
 * One run record for every suite of a main-branch run: the load pipeline's record (load,
 * endpoints, Lighthouse) with the microbenchmarks of the same commit measured after it, so the
 * history, TRENDS.md and the dashboard carry the microbench series beside the load ones.
 */
export interface AddMicrobenchOptions {
  root: string;
  profile: BenchProfileName;
  include?: readonly string[] | undefined;
  suites?: readonly string[] | undefined;
  /** Fresh processes per case; the bench profile's otherwise. */
  processes?: number | undefined;
  signal: AbortSignal;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function addMicrobench(
  run: RunResult,
  options: AddMicrobenchOptions,
): Promise<RunResult> {
  if (run.status === "interrupted") return run;
  options.log(`microbench: ${options.profile} profile, into the same run record`);
  const { run: bench } = await runBench({
    root: options.root,
    include: options.include,
    profile: options.profile,
    ...(options.suites?.length ? { suites: options.suites } : {}),
    ...(options.processes ? { processes: options.processes } : {}),
    signal: options.signal,
    log: options.log,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    ...run,
    status: bench.status === "interrupted" ? "interrupted" : run.status,
    finishedAt: bench.finishedAt,
    env: { ...run.env, tools: { ...run.env.tools, ...bench.env.tools } },
    suites: [...run.suites, ...bench.suites],
    verdicts: [...run.verdicts, ...bench.verdicts],
    warnings: [...run.warnings, ...bench.warnings],
  };
}

/**
 * The profile with Lighthouse on every page the config lists (`lighthouse.pages`), at the
 * profile's runs and gate (1 run, no gate when the profile had no Lighthouse stage).
 */
export function withAllLighthousePages(
  profile: LoadProfile,
  lighthouse: PerfgateConfig["lighthouse"],
): LoadProfile {
  const paths = lighthouse?.pages.map((page) => page.path) ?? [];
  if (paths.length === 0) {
    throw new HarnessError("E_USAGE", "load: --lighthouse-all-pages needs lighthouse.pages", {
      hint: "list the pages under lighthouse.pages in perfgate.config.ts",
      exitCode: EXIT.usage,
    });
  }
  const { runs = 1, gate = false } = profile.lighthouse ?? {};
  return { ...profile, lighthouse: { paths, runs, gate } };
}
