// The reference app, configured like any other app: what `npm run load` does in this repository.
// Profiles: `quick` (the default, about a minute on 2 cores), `full` and `soak` for nightly jobs,
// `leak-check` (proof of the memory stage) and `faults` (fault injection).
import { defineConfig, type EndpointPassConfig } from "perfgate";

/**
 * Caching on vs off, each side on its own app instance: one hot list page (the cached path
 * alone) and the seeded read-heavy mix (cold long tail included). The cached side of each pair
 * is reported as a ratio to the uncached one.
 */
function cachePasses(connections: number, durationSeconds: number): EndpointPassConfig[] {
  const common = {
    method: "GET",
    headers: {},
    connections,
    durationSeconds,
    maxErrorShare: 0.01,
  } as const;
  const hot = "/api/products?limit=20";
  const off = { PERFGATE_APP_CACHE: "off" };
  const mix = "scenarios/_lib/read-mix.ts";
  return [
    { ...common, id: "products-list-nocache", path: hot, appEnv: off },
    { ...common, id: "products-list", path: hot, ratioTo: "products-list-nocache" },
    { ...common, id: "catalogue-read-nocache", path: "/", pathsModule: mix, appEnv: off },
    {
      ...common,
      id: "catalogue-read",
      path: "/",
      pathsModule: mix,
      ratioTo: "catalogue-read-nocache",
    },
  ];
}

export default defineConfig({
  target: {
    start: {
      command: "node --import tsx app/server/src/main.ts",
      readyUrl: "http://127.0.0.1:{port}/healthz",
      env: {
        PERFGATE_APP_PORT: "{port}",
        PERFGATE_APP_HOST: "127.0.0.1",
        // The app exits when perfgate's pipe to it closes: never a stray app after a crash.
        PERFGATE_APP_EXIT_WITH_STDIN: "on",
      },
    },
  },
  defaultProfile: "quick",
  profiles: {
    quick: {
      scenarios: ["scenarios/smoke.ts"],
      vars: { SMOKE_DURATION: "10s" },
      // One run: quick is not gated on Lighthouse (warnings only), so a median buys nothing here.
      lighthouse: { paths: ["/"], runs: 1, gate: false },
      endpoints: cachePasses(10, 5),
    },
    full: {
      scenarios: [
        "scenarios/browse.ts",
        "scenarios/write-invalidate.ts",
        "scenarios/spike.ts",
        "scenarios/batch-job.ts",
      ],
      vars: { BROWSE_HOLD: "60s", WRITE_DURATION: "30s" },
      // Five runs a page: the median run of five is what Lighthouse CI recommends for gating.
      lighthouse: { paths: ["/", "/search", "/dashboard"], runs: 5, gate: true },
      endpoints: cachePasses(50, 30),
      // The catalogue at scale: its template takes ~30 s to seed once per machine.
      seedProducts: 100_000,
    },
    soak: {
      scenarios: ["scenarios/soak.ts"],
      vars: { SOAK_DURATION: "10m", SOAK_RATE: "200" },
      memory: { intervalMs: 2000, thresholdMbPerMin: 1, snapshotAfterSeconds: 120 },
    },
    // The soak's memory stage in 3 minutes at half its rate. Proof of the detector: run it once
    // as is and once with PERFGATE_APP_LEAK_BYTES=2000 (the app's deliberate leak, ~11 MB/min).
    "leak-check": {
      scenarios: ["scenarios/soak.ts"],
      vars: { SOAK_DURATION: "3m", SOAK_RATE: "100" },
      memory: {
        intervalMs: 2000,
        thresholdMbPerMin: 1,
        snapshotAfterSeconds: 36,
        appEnv: { PERFGATE_APP_LRU_ENTRIES: "500" },
      },
    },
    // Redis killed and restarted, a worker thread crash, a slow database for 4 s, the app
    // restarted on its port, under 30 requests/s; the restart goes last (see its recovery limit).
    faults: {
      bundle: false,
      faults: {
        scenario: "scenarios/faults.ts",
        vars: { FAULTS_RATE: "30" },
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
  },
  lighthouse: {
    config: "lighthouserc.json",
    pages: [
      { id: "home", path: "/" },
      { id: "search", path: "/search" },
      { id: "dashboard", path: "/dashboard" },
    ],
  },
  bundle: {
    command:
      "node node_modules/vite/bin/vite.js build --config app/web/vite.config.ts --logLevel warn",
    outDir: "app/web/dist",
    budgets: "lhci/bundle-budgets.json",
  },
  microbench: { include: ["microbench/*.bench.ts"] },
  gates: "harness/config/gates.json",
  reportsDir: "reports",
});
