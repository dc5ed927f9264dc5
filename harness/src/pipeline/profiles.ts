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
  /** Fault injection (cli/faults-stage.ts): its own app and redis-server, faults during one scenario. */
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

/**
 * Caching on vs off, switched at run time on the run's app: one hot list page (the cached path
 * alone) and the seeded read-heavy mix (cold long tail included). The cached side of each pair
 * is reported as a ratio to the uncached one.
 */
/** The reference app's default catalogue (app/server/src/config.ts): a template seeded in seconds. */
export const DEFAULT_SEED_PRODUCTS = 20_000;

export const READ_MIX_MODULE = "scenarios/_lib/read-mix.ts";

function cachePasses(connections: number, durationSeconds: number): EndpointPass[] {
  const hot = "/api/products?limit=20";
  return [
    {
      id: "products-list-nocache",
      path: hot,
      connections,
      durationSeconds,
      appEnv: { PERFGATE_APP_CACHE: "off" },
    },
    {
      id: "products-list",
      path: hot,
      connections,
      durationSeconds,
      ratioTo: "products-list-nocache",
    },
    {
      id: "catalogue-read-nocache",
      path: "/",
      pathsModule: READ_MIX_MODULE,
      connections,
      durationSeconds,
      appEnv: { PERFGATE_APP_CACHE: "off" },
    },
    {
      id: "catalogue-read",
      path: "/",
      pathsModule: READ_MIX_MODULE,
      connections,
      durationSeconds,
      ratioTo: "catalogue-read-nocache",
    },
  ];
}

export const PROFILES = {
  quick: {
    scenarios: ["scenarios/smoke.ts"],
    vars: { SMOKE_DURATION: "10s" },
    lighthouse: { paths: ["/"], runs: 1, gate: false },
    endpoints: [...cachePasses(10, 5)],
  },
  full: {
    scenarios: [
      "scenarios/browse.ts",
      "scenarios/write-invalidate.ts",
      "scenarios/spike.ts",
      "scenarios/batch-job.ts",
    ],
    vars: { BROWSE_HOLD: "60s", WRITE_DURATION: "30s" },
    lighthouse: { paths: ["/", "/search", "/dashboard"], runs: 5, gate: true },
    endpoints: [...cachePasses(50, 30)],
    // The catalogue at scale: its template takes ~30 s to seed once per machine.
    seedProducts: 100_000,
  },
  soak: {
    scenarios: ["scenarios/soak.ts"],
    vars: { SOAK_DURATION: "10m", SOAK_RATE: "200" },
    endpoints: [],
    memory: { intervalMs: 2000, thresholdMbPerMin: 1, snapshotAfterSeconds: 120 },
  },
  /**
   * The soak's memory stage in 3 minutes at half its rate. Proof of the detector: run it once as
   * is and once with PERFGATE_APP_LEAK_BYTES=2000 (the app's deliberate leak, ~11 MB/min).
   */
  "leak-check": {
    scenarios: ["scenarios/soak.ts"],
    vars: { SOAK_DURATION: "3m", SOAK_RATE: "100" },
    endpoints: [],
    memory: {
      intervalMs: 2000,
      thresholdMbPerMin: 1,
      snapshotAfterSeconds: 36,
      appEnv: { PERFGATE_APP_LRU_ENTRIES: "500" },
    },
  },
  /**
   * Fault injection in about 90 s: Redis killed and restarted, a worker thread crash, a slow
   * database for 5 s, the app restarted on its port, under 30 requests/s of reads and thumbnails.
   * The restart goes last: its length is the app's own start (PGlite, worker threads), which
   * varies most with the machine's load, and its recovery window runs to the end of the load.
   */
  faults: {
    scenarios: [],
    vars: {},
    endpoints: [],
    bundle: false,
    faults: {
      scenario: "scenarios/faults.ts",
      vars: { FAULTS_RATE: "30" },
      // 10 s before the first fault: its 5 s baseline must not hold the app's cold start.
      loadSeconds: 78,
      schedule: [
        { kind: "redis-kill", atSeconds: 10, downSeconds: 2 },
        { kind: "worker-crash", atSeconds: 19 },
        { kind: "slow-db", atSeconds: 27, delayMs: 150, forSeconds: 4 },
        { kind: "app-restart", atSeconds: 38 },
      ],
      gapSeconds: 7,
      recoveryLimitSeconds: {
        "redis-kill": 10,
        "worker-crash": 10,
        "slow-db": 10,
        "app-restart": 30,
      },
    },
  },
} satisfies Record<string, LoadProfile>;
