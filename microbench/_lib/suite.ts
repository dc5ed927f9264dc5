/**
 * The contract between `microbench/*.bench.ts` files and the harness runner. A suite file only
 * exports a definition; the runner imports it in a fresh process per case, calls `setup`
 * untimed, and times `run` with mitata and tinybench.
 */

/** Passed to `setup`: the same on both sides of a comparison, so inputs are identical. */
export interface BenchContext {
  /** Seed for generated inputs (keys, op mixes, values). */
  seed: number;
}

/** What `setup` returns: the timed function and optional facts to record with the result. */
export interface BenchHandle {
  /**
   * One call performs the group's `ops` operations (batched so a call takes >= ~0.1 ms) and
   * returns a value derived from the work, so the engine cannot drop the loop.
   */
  run: () => unknown;
  /** Untimed facts read after timing (hit rate, final size): recorded, and a sanity check. */
  facts?: () => Record<string, number>;
}

export interface BenchCase {
  /** Stable id within the group, e.g. `app`, `lru-cache`. */
  id: string;
  /** Overrides the group's ops per call, for a case that is orders of magnitude slower. */
  ops?: number;
  /** Builds inputs and state; nothing here is timed. */
  setup: (context: BenchContext) => BenchHandle | Promise<BenchHandle>;
}

export interface BenchGroup {
  /** Stable id within the suite, e.g. `get-90-10`. */
  id: string;
  /** One line for the report. */
  title: string;
  /** Operations per `run` call; ops/s = ops / seconds per call. */
  ops: number;
  /** Case the others are compared with (ratio = case / baseline, higher is better). */
  baseline: string;
  /** The project's own code in this group (the case a gate cares about). */
  subject?: string;
  /**
   * Per-process estimator. `mean` for allocation-heavy code: a median skips the calls that
   * contain a scavenge and so understates what pooling saves.
   */
  estimator?: "median" | "mean";
  /** Record GC counts and GC time (PerformanceObserver 'gc') as metrics next to ops/s. */
  gc?: boolean;
  /** Left out of the quick profile (run with `--profile full` or `--suite`). */
  slow?: boolean;
  cases: BenchCase[];
}

export interface BenchSuite {
  /** History key; equals the file name without `.bench.ts`. */
  id: string;
  title: string;
  groups: BenchGroup[];
}

/** Identity helper that type-checks a suite definition. */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
