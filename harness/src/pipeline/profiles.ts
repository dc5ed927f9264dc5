import type { FaultPlan } from "../runners/fault-steps.ts";
import type { RecoveryBand } from "../verdicts/fault-impact.ts";

/**
 * Load profiles as config-as-code. `quick` is the default of `npm run load` (about a minute on
 * 2 cores); `full` and `soak` run longer and are for nightly jobs and local investigations.
 */
export interface LoadProfile {
  /** Scenario files under `scenarios/`, run one after another (never overlapping). */
  scenarios: string[];
  /** `-e` variables passed to every scenario (durations, rates). */
  vars: Record<string, string>;
  /** Closed-loop endpoint passes with autocannon. */
  endpoints: EndpointPass[];
  /**
   * Lighthouse pages and runs per page; runs when Chromium is found, skipped (and said)
   * otherwise. `gate: false` reports budget failures as warnings: one run is too noisy to fail on.
   */
  lighthouse?: { paths: string[]; runs: number; gate: boolean };
  /** Memory stage: the app runs with PERFGATE_APP_DEBUG=on and is sampled during the scenarios. */
  memory?: MemoryProfile;
  /**
   * Products in the app's seed (default scenarios/_lib/catalogue.ts: 20k, a template seeded in
   * seconds); PERFGATE_APP_SEED_PRODUCTS overrides it.
   */
  seedProducts?: number;
  /** `false` skips the web bundle stage (a profile that never serves the web app). */
  bundle?: boolean;
  /** Fault injection (pipeline/stages/faults.ts): its own app and redis-server, faults during one scenario. */
  faults?: FaultsProfile;
}

/** A constant-arrival-rate scenario with faults injected one after another (`--profile faults`). */
export interface FaultsProfile {
  /** The scenario under fault (its `--out json` stream gives the per-second timeline). */
  scenario: string;
  /** `-e` variables of that scenario (rate, duration). */
  vars: Record<string, string>;
  /** Load duration in seconds, passed as `FAULTS_DURATION`; no fault starts too late to recover in it. */
  loadSeconds: number;
  /** Faults in order; each starts at its `atSeconds` or `gapSeconds` after the previous one cleared. */
  schedule: FaultPlan[];
  gapSeconds: number;
  /** Pass when back in the pre-fault band within this many seconds of the injection, per fault. */
  recoveryLimitSeconds: Record<string, number>;
  /** The pre-fault band a second must be back in (defaults in verdicts/fault-impact.ts). */
  band?: Partial<RecoveryBand>;
  appEnv?: Record<string, string>;
}

/** Leak detection during the k6 scenarios (cli/memory-stage.ts). */
export interface MemoryProfile {
  /** How often the app's heap after GC is read (each read runs a full GC in the app). */
  intervalMs: number;
  /** `leak suspected` above this retained-memory slope, when its interval is above 0. */
  thresholdMbPerMin: number;
  /** Start of the steady phase (first heap snapshot), seconds into the load: ~20% of it. */
  snapshotAfterSeconds: number;
  /**
   * App flags for the measured run. A short check needs bounded caches that are full before the
   * steady phase: an LRU still filling grows like a leak (and the app's small cached bodies pin
   * 8 kB Buffer pool slabs, so it grows ~6x faster than its byte accounting says).
   */
  appEnv?: Record<string, string>;
}

export interface EndpointPass {
  id: string;
  /** The request path, or the first of `pathsModule`'s when it is set. */
  path: string;
  /**
   * A module (repository-relative) whose default export returns the pass's request paths in
   * order, from a fixed seed: e.g. the read mix of scenarios/_lib/read-mix.ts.
   */
  pathsModule?: string;
  /** HTTP method, headers and body of every request (GET with none by default). */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Largest failed or non-2xx share before the pass is errored (default 1 %). */
  maxErrorShare?: number;
  connections: number;
  durationSeconds: number;
  /**
   * App flags for this pass (e.g. caching off): switched at run time on the run's app when it
   * can (runners/app-switches.ts), else on an instance of its own started with them, so one run
   * measures a technique on vs off on the same machine minutes apart.
   */
  appEnv?: Record<string, string>;
  /** Report this pass's throughput as a ratio to another pass of the same run (id). */
  ratioTo?: string;
}

/** The reference app's default catalogue (app/server/src/config.ts): a template seeded in seconds. */
export const DEFAULT_SEED_PRODUCTS = 20_000;

export const READ_MIX_MODULE = "scenarios/_lib/read-mix.ts";

/** Stages a run can leave out with `--skip`. */
export const SKIPPABLE_STAGES = [
  "bundle",
  "k6",
  "memory",
  "faults",
  "endpoints",
  "lighthouse",
] as const;
export type SkippableStage = (typeof SKIPPABLE_STAGES)[number];

/** What one invocation changes of its configured profile (`perfgate load` flags). */
export interface ProfileOverrides {
  skip: ReadonlySet<SkippableStage>;
  /** Scenario files instead of the profile's. */
  scenarios?: string[];
  /** Variables merged over the profile's. */
  vars: Record<string, string>;
  /** Seconds of every endpoint pass. */
  endpointSeconds?: number;
}

/** The profile as one invocation changes it: a skipped stage has nothing left to run. */
export function applyOverrides(base: LoadProfile, overrides: ProfileOverrides): LoadProfile {
  const { skip, endpointSeconds } = overrides;
  const profile: LoadProfile = {
    ...base,
    scenarios: skip.has("k6") ? [] : (overrides.scenarios ?? base.scenarios),
    vars: { ...base.vars, ...overrides.vars },
    endpoints: skip.has("endpoints")
      ? []
      : base.endpoints.map((e) =>
          endpointSeconds ? { ...e, durationSeconds: endpointSeconds } : e,
        ),
  };
  if (skip.has("lighthouse")) delete profile.lighthouse;
  if (skip.has("memory")) delete profile.memory;
  if (skip.has("faults")) delete profile.faults;
  return profile;
}

/** Pipeline stage ids of the skipped stages: memory is two, the sampler and the verdict. */
export function skippedStageIds(skip: ReadonlySet<SkippableStage>): Set<string> {
  return new Set([...skip].flatMap((s) => (s === "memory" ? ["memory-sampling", "memory"] : [s])));
}
