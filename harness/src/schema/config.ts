import { z } from "zod";

/**
 * `perfgate.config.ts`: everything a run does, for any app. Each section is optional: a stage
 * whose section is absent is not run and is named as not configured. Descriptions here are the
 * README's config reference (generated; a test fails when it is stale).
 */

const env = z.record(z.string(), z.string());
const relativePath = z.string().min(1);

export const StartCommand = z
  .strictObject({
    command: z
      .string()
      .min(1)
      .describe(
        "Shell command that starts the app, run from the config's folder. `{port}` is replaced by a free loopback port (also passed as PORT).",
      ),
    readyUrl: z
      .string()
      .min(1)
      .describe(
        "URL polled until it answers 2xx; the app's base URL is its origin. `{port}` as in command.",
      ),
    env: env.default({}).describe("Extra environment of the app (values may hold `{port}`)."),
    readyTimeoutSeconds: z
      .number()
      .positive()
      .default(60)
      .describe("How long to wait for readyUrl."),
  })
  .describe("Start the app for the run and stop it after.");

export const Target = z
  .strictObject({
    start: StartCommand.optional(),
    baseUrl: z
      .url()
      .optional()
      .describe("An app already running (loopback unless `--allow-host`); nothing is started."),
  })
  .refine((t) => (t.start === undefined) !== (t.baseUrl === undefined), {
    message: "set exactly one of target.start (a command perfgate runs) or target.baseUrl",
  })
  .describe("The app under test: a start command, or the base URL of an app already running.");

export const EndpointPass = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, . _ -")
    .describe("Suite id and history key."),
  method: z
    .enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    .default("GET")
    .describe("HTTP method."),
  path: z.string().min(1).describe("Path on the target, e.g. `/api/items?limit=20`."),
  pathsModule: relativePath
    .optional()
    .describe(
      "A module whose default export returns the pass's request paths in order from a seed (replaces path).",
    ),
  headers: env.default({}).describe("Request headers."),
  body: z.string().optional().describe("Request body."),
  connections: z
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe("Concurrent connections (closed loop)."),
  durationSeconds: z.number().positive().max(3600).default(10).describe("Length of the pass."),
  maxErrorShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe("Largest share of failed or non-2xx answers before the pass is errored."),
  appEnv: env
    .optional()
    .describe("App environment for this pass: it gets its own app instance started with it."),
  ratioTo: z.string().optional().describe("Also report throughput as a ratio to this pass (id)."),
});

export const LighthouseProfile = z.strictObject({
  paths: z.array(z.string().startsWith("/")).min(1).describe("Pages (paths) to audit."),
  runs: z
    .int()
    .min(1)
    .max(20)
    .default(3)
    .describe("Lighthouse runs per page; the median run is reported (odd counts have one)."),
  gate: z.boolean().default(true).describe("Fail the run on budgets (false: warnings only)."),
});

export const LighthouseCalibration = z.union([
  z.literal(false),
  z.strictObject({
    targetBenchmarkIndex: z
      .number()
      .positive()
      .default(500)
      .describe(
        "benchmarkIndex of the emulated device: multiplier = measured index / this. 500 is what Lighthouse's default 4x makes of its reference desktop (~2000).",
      ),
    minMultiplier: z.number().min(1).default(1).describe("Lower bound of the multiplier."),
    maxMultiplier: z.number().min(1).default(8).describe("Upper bound of the multiplier."),
  }),
]);

export const MemoryProfile = z.strictObject({
  intervalMs: z.int().min(100).describe("How often the app's heap after GC is read."),
  thresholdMbPerMin: z.number().positive().describe("Leak suspected above this slope."),
  snapshotAfterSeconds: z.number().min(0).describe("Start of the steady phase."),
  appEnv: env.optional().describe("App environment of the measured run."),
});

export const FaultsProfile = z.strictObject({
  scenario: relativePath.describe("The k6 scenario run under faults."),
  vars: env.default({}).describe("Its `-e` variables."),
  loadSeconds: z.number().positive().describe("Load duration (FAULTS_DURATION)."),
  schedule: z
    .array(z.looseObject({ kind: z.string() }))
    .min(1)
    .describe("Faults in order (see harness/src/runners/fault-steps.ts)."),
  gapSeconds: z.number().min(0).describe("Gap after a fault cleared."),
  recoveryLimitSeconds: z.record(z.string(), z.number().positive()).describe("Per fault kind."),
  appEnv: env.optional().describe("App environment."),
});

export const LoadProfile = z.strictObject({
  scenarios: z
    .array(relativePath)
    .default([])
    .describe("k6 scenario files (TS or JS), run one after another."),
  vars: env.default({}).describe("`-e` variables passed to every scenario."),
  endpoints: z
    .array(EndpointPass)
    .default([])
    .describe("Closed-loop endpoint passes (autocannon)."),
  lighthouse: LighthouseProfile.optional().describe("Lighthouse pages of this profile."),
  bundle: z.boolean().default(true).describe("Judge the bundle (when `bundle` is configured)."),
  seedProducts: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Products the reference app seeds (PERFGATE_APP_SEED_PRODUCTS wins); passed to scenarios as PRODUCTS.",
    ),
  memory: MemoryProfile.optional().describe("Leak detection during the scenarios (reference app)."),
  faults: FaultsProfile.optional().describe("Fault injection (reference app)."),
});

export const LighthouseSection = z.strictObject({
  config: relativePath
    .default("lighthouserc.json")
    .describe("An existing Lighthouse CI config (assertions, budgets)."),
  pages: z
    .array(z.strictObject({ id: z.string().min(1), path: z.string().startsWith("/") }))
    .default([])
    .describe("Page ids for paths (the suite id of each page)."),
  calibration: LighthouseCalibration.default({
    targetBenchmarkIndex: 500,
    minMultiplier: 1,
    maxMultiplier: 8,
  }).describe(
    "CPU throttling calibrated per run to the machine's measured benchmarkIndex (simulated throttling only); `false` keeps the lighthouserc multiplier.",
  ),
  noisy: z
    .array(z.string().min(1))
    .default(["categories:performance", "total-blocking-time"])
    .describe(
      "Budgets (lighthouserc assertion keys) that CPU load moves even when calibrated: reported with their spread over runs, never failing the run.",
    ),
});

export const PerfgateConfig = z
  .strictObject({
    target: Target,
    profiles: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), LoadProfile)
      .default({})
      .describe("Load profiles by name; `perfgate load --profile <name>`."),
    defaultProfile: z
      .string()
      .optional()
      .describe("Profile of a bare `perfgate load` (default: the first one)."),
    lighthouse: LighthouseSection.optional().describe(
      "Lighthouse CI: needs @lhci/cli installed and a Chromium.",
    ),
    bundle: z
      .strictObject({
        command: z
          .string()
          .min(1)
          .describe(
            "Build command (shell, from the config's folder); it may write to $PERFGATE_WEB_OUT_DIR instead of outDir.",
          ),
        outDir: relativePath.describe(
          "The folder it writes; its .js files are measured (with Vite's manifest: per chunk and how it loads).",
        ),
        budgets: relativePath
          .optional()
          .describe(
            "A bundle budgets file (initial-route and chunk limits; needs Vite's manifest).",
          ),
      })
      .optional()
      .describe("The web bundle to build and judge; absent: no bundle stage."),
    microbench: z
      .strictObject({
        include: z.array(z.string().min(1)).min(1).describe("Globs of microbench suites."),
      })
      .optional()
      .describe("Microbenchmarks (`perfgate bench`)."),
    gates: relativePath
      .optional()
      .describe("Relative regression gates of `perfgate compare` (a gates JSON file)."),
    reportsDir: relativePath.default("reports").describe("Where committed runs go."),
    redact: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]+$/, "a parameter or header name"))
      .default([])
      .describe(
        "Extra query-parameter and header names whose values are secrets (any case, `-` or `_`), redacted with the built-in ones in every record, report, chart name, raw file and terminal line.",
      ),
  })
  .describe("perfgate.config.ts");

/** What a config file holds (defaults not yet applied). */
export type PerfgateConfigInput = z.input<typeof PerfgateConfig>;
/** A validated config with every default applied. */
export type PerfgateConfig = z.output<typeof PerfgateConfig>;
export type EndpointPassConfig = z.output<typeof EndpointPass>;
export type StartCommand = z.output<typeof StartCommand>;
export type LoadProfileConfig = z.output<typeof LoadProfile>;
export type LighthouseCalibrationConfig = z.output<typeof LighthouseCalibration>;
