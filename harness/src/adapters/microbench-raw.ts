import { z } from "zod";

/**
 * The raw record one microbench worker process writes (`.perf/<runId>/raw/microbench/...`):
 * the tools' own statistics plus what the worker measured around them. Self-contained, so the
 * adapter replays a run offline from these files alone.
 */
export const MICROBENCH_RAW_FORMAT = "perfgate-microbench-raw/1";

const num = z.number();

/** mitata 1.x `measure()` stats, in ns per call (`debug` dropped; `samples` sorted ascending). */
const MitataStats = z.object({
  min: num,
  max: num,
  avg: num,
  p25: num,
  p50: num,
  p75: num,
  p99: num,
  ticks: num,
  samples: z.array(num),
});

/** tinybench 6.x task result, latency in ms per call. */
const TinybenchResult = z.object({
  latency: z.object({
    min: num,
    max: num,
    mean: num,
    p50: num,
    p99: num,
    sd: num,
    rme: num,
    samplesCount: num,
    samples: z.array(num).optional(),
  }),
  period: num,
  totalTime: num,
});

const GcCounts = z.object({
  /** Every GC event seen by PerformanceObserver('gc') while the tool ran. */
  count: num,
  minor: num,
  major: num,
  incremental: num,
  weakcb: num,
  /** Sum of GC pause durations. */
  ms: num,
});

/** What the worker measured around one tool's run. */
const Window = z.object({
  /** Calls of the timed function, counted by the worker (warm-up and calibration included). */
  calls: num,
  wallMs: num,
  /** CPU time of this process (all threads, so V8's helper threads count here). */
  cpuMs: num,
  /** CPU used by other processes during the window, in cores (busy CPU minus our own). */
  foreignCores: num,
  loadAvgBefore: z.tuple([num, num, num]),
  gc: GcCounts,
});

/** Callgrind event counts of one region (see adapters/callgrind.ts). */
const Counts = z.record(z.string(), num);

/**
 * Instruction mode: the case run under Valgrind's callgrind. The worker brackets a region of
 * `calls` calls and one of `2 * calls` calls with marker calls callgrind dumps its counters
 * before; per call = (double - single) / calls, so start-up, set-up, warm-up and the markers'
 * own cost never count. `spin` is the same for the evaluation's deterministic extra work.
 */
const Instructions = z.object({
  tool: z.literal("callgrind"),
  valgrind: z.string(),
  cacheSim: z.boolean(),
  /** V8 hash and random seed of the counted process (the same for every process of a run). */
  hashSeed: z.number().int().optional(),
  calls: z.number().int().positive(),
  warmupCalls: z.number().int().nonnegative(),
  /** Iterations of the deterministic spin loop added to every call (evaluation only). */
  extraWork: z.number().int().nonnegative(),
  /** The first region of `calls` calls: left-over warm-up work, not used for the count. */
  first: Counts,
  single: Counts,
  double: Counts,
  spin: z.object({ iterations: num, single: Counts, double: Counts }).optional(),
  /** Wall time of the whole valgrind process, for planning only (it says nothing about speed). */
  processMs: num,
});

export const MicrobenchRaw = z.object({
  format: z.literal(MICROBENCH_RAW_FORMAT),
  suite: z.object({ id: z.string(), title: z.string() }),
  group: z.object({
    id: z.string(),
    title: z.string(),
    baseline: z.string(),
    subject: z.string().optional(),
    estimator: z.enum(["median", "mean"]),
    gc: z.boolean(),
  }),
  case: z.object({ id: z.string(), ops: num }),
  /** Position in the interleaved schedule; samples of one round share the hash seed. */
  round: z.number().int().nonnegative(),
  hashSeed: z.number().int(),
  inputSeed: z.number().int(),
  node: z.string(),
  v8: z.string(),
  /** Order the tools ran in within the process (alternated across processes). */
  toolOrder: z.array(z.enum(["mitata", "tinybench"])),
  mitata: z.object({ version: z.string(), stats: MitataStats, window: Window }).optional(),
  tinybench: z.object({ version: z.string(), result: TinybenchResult, window: Window }).optional(),
  /** GC groups only: plain calls for the budget, timed as a whole, with only the GC observer. */
  fixedWork: Window.optional(),
  /** `--measure instructions` only. */
  instructions: Instructions.optional(),
  facts: z.record(z.string(), num),
  /** Where the process's time went (start = ms from process start to the job), for tuning. */
  phasesMs: z.object({ start: num, import: num, setup: num, warmup: num, measure: num }).optional(),
});
export type MicrobenchRaw = z.infer<typeof MicrobenchRaw>;
export type MicrobenchWindow = z.infer<typeof Window>;

/** Re-run (or flag) a sample during which other processes used more than this many cores. */
export const FOREIGN_LOAD_LIMIT = 0.1;

/** The most foreign CPU load seen in any measuring window of one process, in cores. */
export function foreignCores(raw: MicrobenchRaw): number {
  return Math.max(
    raw.mitata?.window.foreignCores ?? 0,
    raw.tinybench?.window.foreignCores ?? 0,
    raw.fixedWork?.foreignCores ?? 0,
  );
}
