import { z } from "zod";

/**
 * The run record: one schema for load, endpoint, microbench, lighthouse, bundle and memory
 * results. The major version is bumped on any breaking change; readers reject other majors.
 */
export const SCHEMA_VERSION = 1;

/** Units are declared once per metric and stay fixed across a trend. */
export const Unit = z.enum([
  "ms",
  "us",
  "ns",
  "s",
  "bytes",
  "count",
  "ratio",
  /** A speedup or slowdown factor (head / base), rendered as 3.98×; "ratio" is a fraction. */
  "times",
  "percent",
  "score",
  "req/s",
  "ops/s",
  "iter/s",
  "MB",
  "MB/min",
  /** Instruction mode: counted instructions and estimated cycles per operation. */
  "instr/op",
  "cycles/op",
]);
export type Unit = z.infer<typeof Unit>;

/** Which way is better for a metric. */
export const Direction = z.enum(["lower", "higher"]);
export type Direction = z.infer<typeof Direction>;

export const SuiteKind = z.enum([
  "load",
  "endpoint",
  "microbench",
  "lighthouse",
  "bundle",
  "memory",
  /** The regression detector measuring itself (`npm run evaluate`): false-alarm rate and power. */
  "evaluation",
  /** Fault injection (`--profile faults`): per fault, its error spike, latency and recovery time. */
  "faults",
]);
export type SuiteKind = z.infer<typeof SuiteKind>;

const finite = z.number().refine(Number.isFinite, { message: "must be a finite number" });

/** Robust summary of a distribution, in the metric's unit. `mad` (raw median absolute deviation) is set when the raw values or a histogram were available. */
export const Summary = z
  .object({
    /** Sample count; absent when the tool does not report it (k6's default trend stats). */
    n: z.number().int().nonnegative().optional(),
    min: finite,
    median: finite,
    p90: finite,
    p95: finite,
    /** Absent when the tool did not report it (k6 without `p(99)` in --summary-trend-stats). */
    p99: finite.optional(),
    max: finite,
    mad: finite.nonnegative().optional(),
    mean: finite.optional(),
  })
  .strict();
export type Summary = z.infer<typeof Summary>;

/** Tags are low-cardinality labels (scenario, method, status, url name, tool...). */
export const Tags = z.record(z.string(), z.string());

export const Metric = z
  .object({
    /** Stable id within its suite, e.g. `http_req_duration`, `lru.get-90-10`. */
    id: z.string().min(1),
    unit: Unit,
    direction: Direction,
    /** Raw samples when small (per-process medians for microbench, per-run values for Lighthouse). */
    samples: z.array(finite).optional(),
    summary: Summary.optional(),
    /** Base64 HDR histogram (hdr-histogram-js encoding) of values in the metric's unit x 1000, merges exactly. */
    hdr: z.string().optional(),
    /** A single value for counters, rates and scores. */
    value: finite.optional(),
    tags: Tags.optional(),
  })
  .strict()
  .refine((m) => m.samples !== undefined || m.summary !== undefined || m.value !== undefined, {
    message: "a metric needs at least one of samples, summary or value",
  });
export type Metric = z.infer<typeof Metric>;

/** Measurement-quality problems are data: they travel with the record and are rendered everywhere. */
export const WarningCode = z.enum([
  "too-few-samples",
  "high-variance",
  "outliers",
  "timer-saturated",
  "likely-optimized-out",
  "dropped-iterations",
  "http-errors",
  "env-mismatch",
  "baseline-missing",
  "foreign-load",
  "stage-skipped",
  "interrupted",
  "history-skipped",
  /** A run.json trimmed (histograms dropped) to fit the history budget. */
  "over-budget",
  /** A near-deterministic metric (instruction counts) that differed between processes. */
  "unstable",
]);
export type WarningCode = z.infer<typeof WarningCode>;

export const QualityWarning = z
  .object({
    code: WarningCode,
    message: z.string().min(1),
    suite: z.string().optional(),
    metric: z.string().optional(),
  })
  .strict();
export type QualityWarning = z.infer<typeof QualityWarning>;

export const SuiteStatus = z.enum(["ok", "errored", "interrupted", "skipped"]);

/**
 * How Lighthouse's CPU throttling was set for a suite's runs (issue 21): each run's
 * `benchmarkIndex` (as the LHR reports it), the `cpuSlowdownMultiplier` its metrics were computed
 * with, and the foreign CPU load while it gathered. `benchmark-index` calibration divides the
 * measured index by the target device's, so a slower (or busier) machine is slowed down less.
 */
export const CpuCalibration = z
  .object({
    method: z.enum(["benchmark-index", "fixed"]),
    /** The emulated device's benchmarkIndex (`benchmark-index` method). */
    targetBenchmarkIndex: finite.optional(),
    /** The multiplier's bounds (`benchmark-index` method). */
    minMultiplier: finite.optional(),
    maxMultiplier: finite.optional(),
    /** One entry per Lighthouse run, in run order; its length is the number of runs. */
    runs: z
      .array(
        z
          .object({
            benchmarkIndex: finite,
            cpuSlowdownMultiplier: finite,
            /** Other processes' CPU while this run gathered, in cores (absent: not sampled). */
            foreignCores: finite.optional(),
          })
          .strict(),
      )
      .min(1),
    /** Metric ids of the suite that CPU load moves even when calibrated: shown with their spread, not gated. */
    ungated: z.array(z.string()).optional(),
  })
  .strict();
export type CpuCalibration = z.infer<typeof CpuCalibration>;

export const Suite = z
  .object({
    kind: SuiteKind,
    /** File name = scenario/suite/page id = history key. */
    id: z.string().min(1),
    tool: z.object({ name: z.string().min(1), version: z.string() }).strict(),
    status: SuiteStatus,
    /** Set when status is `errored`: what failed, in one line. */
    error: z.string().optional(),
    metrics: z.array(Metric),
    /** Tool-specific facts worth keeping (engine mode, connections, executor...). Small. */
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Lighthouse suites: how CPU throttling was calibrated for their runs. */
    calibration: CpuCalibration.optional(),
  })
  .strict();
export type Suite = z.infer<typeof Suite>;

export const VerdictStatus = z.enum(["pass", "fail", "skip"]);
export const VerdictLabel = z.enum([
  "regressed",
  "improved",
  "unchanged",
  "inconclusive",
  "leak-suspected",
]);

/** A decision with its evidence: absolute budgets/thresholds and relative gates share this shape. */
export const Verdict = z
  .object({
    suite: z.string().min(1),
    metric: z.string().min(1),
    /** Where the rule came from. */
    source: z.enum(["k6-threshold", "budget", "lhci", "regression", "memory", "fault"]),
    /** `error` fails the exit code; `warn` is reported only. */
    level: z.enum(["warn", "error"]),
    status: VerdictStatus,
    label: VerdictLabel.optional(),
    /** The rule as written, e.g. `p(95)<200`. */
    rule: z.string().optional(),
    actual: finite.optional(),
    message: z.string().min(1),
    evidence: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional(),
  })
  .strict();
export type Verdict = z.infer<typeof Verdict>;

export const GitInfo = z
  .object({
    sha: z.string(),
    shortSha: z.string(),
    ref: z.string(),
    dirty: z.boolean(),
    base: z.string().optional(),
  })
  .strict();
export type GitInfo = z.infer<typeof GitInfo>;

const LoadAvg = z.tuple([z.number(), z.number(), z.number()]);

/** Environment fingerprint: results are only compared when fingerprints are compatible. */
export const Environment = z
  .object({
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    memoryBytes: z.number().int().positive(),
    os: z.string(),
    arch: z.string(),
    node: z.string(),
    v8: z.string(),
    ci: z.boolean(),
    runner: z.string().optional(),
    /** Versions of external tools used in this run (k6, chromium, redis-server...). */
    tools: z.record(z.string(), z.string()),
    loadAvgBefore: LoadAvg,
    loadAvgAfter: LoadAvg.optional(),
  })
  .strict();
export type Environment = z.infer<typeof Environment>;

export const RunStatus = z.enum(["complete", "interrupted", "failed"]);

export const RunResult = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    /**
     * `<UTC timestamp>_<short sha>-<ms><random>`, e.g. `20261125T020304Z_abc1234-1234f9e0`; records
     * written before the suffix (issue 22 H3) have none and stay valid.
     */
    runId: z
      .string()
      .regex(
        /^\d{8}T\d{6}Z_[0-9a-f]{4,40}(-[0-9a-f]{4,16})?$/,
        "must be <YYYYMMDDTHHMMSSZ>_<short sha>[-<suffix>]",
      ),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    status: RunStatus,
    profile: z.string().min(1),
    git: GitInfo,
    env: Environment,
    suites: z.array(Suite),
    verdicts: z.array(Verdict),
    warnings: z.array(QualityWarning),
  })
  .strict();
export type RunResult = z.infer<typeof RunResult>;
