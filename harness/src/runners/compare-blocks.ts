import path from "node:path";
import { autocannonBlockFigures } from "../adapters/autocannon.ts";
import { countsPerOp } from "../adapters/microbench-counts.ts";
import type { BlockSample } from "../schema/index.ts";
import { startAppProcess } from "./app.ts";
import { runAutocannon } from "./autocannon.ts";
import {
  DEFAULT_HASH_SEEDS,
  type InstructionSettings,
  type MicrobenchMeasure,
  runMicrobench,
} from "./microbench.ts";
import { startTargetProcess, type TargetStart } from "./target-process.ts";

/** One side of a comparison: a source tree and the flags it runs with. */
export type { BlockSample };

export interface Side {
  label: "base" | "head";
  /** Repository root of this side (a git worktree for the base). */
  root: string;
  /** Extra app flags (the evaluation injects PERFGATE_APP_SLOWDOWN_PCT here). */
  appEnv?: Record<string, string>;
  /** The project's own target (perfgate.config.* `target.start`); else the reference app. */
  start?: TargetStart;
  /** Injected microbench slowdown in percent (evaluation only). */
  benchSlowdownPct?: number;
  /** Instruction mode's injected regression: spin iterations per call (evaluation only). */
  benchExtraWork?: number;
}

export interface MicrobenchBlockOptions {
  side: Side;
  block: number;
  /** Suite ids under microbench/ (empty = all). */
  suites: readonly string[];
  /** `suite/group/case` ids to keep (the confirmation round re-measures only suspects). */
  only?: ReadonlySet<string>;
  workDir: string;
  budgetMs: number;
  /** `instructions` adds `<case>/instructions` and `<case>/est-cycles` samples (callgrind). */
  measure?: MicrobenchMeasure;
  instructions?: InstructionSettings;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** V8 hash seed of block b: the same on both sides, so block b pairs like with like. */
export function hashSeedsFor(blocks: number): number[] {
  const seeds: number[] = [...DEFAULT_HASH_SEEDS];
  for (let i = seeds.length; i < blocks; i++) seeds.push(101 + 6 * (i - 9));
  return seeds;
}

/**
 * One microbench block of one side: every selected case once, in a fresh process, with block
 * b's hash seed. Metric: the mitata median time per operation (ns/op, lower is better).
 */
export async function measureMicrobenchBlock(
  options: MicrobenchBlockOptions,
): Promise<BlockSample[]> {
  const { side, block } = options;
  const dir = path.join(options.workDir, side.label, `block-${block}`);
  const output = await runMicrobench({
    root: side.root,
    rawDir: path.join(dir, "raw"),
    buildDir: path.join(options.workDir, side.label, "build"),
    suites: options.suites,
    ...(options.only ? { cases: options.only } : {}),
    includeSlow: false,
    processes: 1,
    rounds: [block],
    hashSeeds: hashSeedsFor(block + 1),
    inputSeed: 1,
    budgetMs: options.budgetMs,
    warmupMs: Math.min(200, options.budgetMs / 2),
    signal: options.signal,
    log: () => {},
    ...(side.benchSlowdownPct !== undefined ? { slowdownPct: side.benchSlowdownPct } : {}),
    ...(options.measure ? { measure: options.measure } : {}),
    instructions: {
      ...options.instructions,
      ...(side.benchExtraWork !== undefined ? { extraWork: side.benchExtraWork } : {}),
    },
  });
  if (output.failures.length > 0) {
    const first = output.failures[0];
    throw new Error(
      `${side.label}: microbench ${first?.suite}/${first?.group}/${first?.case} failed: ${first?.message.split("\n")[0]}`,
    );
  }
  const samples: BlockSample[] = [];
  for (const raw of output.raws) {
    const id = `${raw.suite.id}/${raw.group.id}/${raw.case.id}`;
    if (options.only && !options.only.has(id)) continue;
    const sample = (metricId: string, unit: string, value: number): BlockSample => ({
      suiteId: `microbench/${raw.suite.id}`,
      metricId,
      unit,
      direction: "lower",
      side: side.label,
      block,
      values: [value],
    });
    const p50 = raw.mitata?.stats.p50;
    if (p50 !== undefined)
      samples.push(sample(`${raw.group.id}/${raw.case.id}`, "ns", p50 / raw.case.ops));
    const counts = countsPerOp(raw);
    if (counts) {
      samples.push(
        sample(`${raw.group.id}/${raw.case.id}/instructions`, "instr", counts.instructions),
      );
      if (counts.cycles !== undefined)
        samples.push(sample(`${raw.group.id}/${raw.case.id}/est-cycles`, "cycles", counts.cycles));
    }
  }
  return samples;
}

export interface LoadEndpoint {
  id: string;
  /** One path, or a sequence replayed in order (the seeded read mix). */
  path: string;
  paths?: readonly string[];
}

export interface LoadBlockOptions {
  side: Side;
  block: number;
  endpoints: readonly LoadEndpoint[];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  workDir: string;
  signal: AbortSignal;
}

/**
 * One load block of one side: a fresh app instance from the side's tree, a warm-up pass, then
 * each endpoint closed-loop with autocannon; the app is stopped before the other side starts,
 * so the two sides never overlap. Metrics: throughput and HDR latency quantiles.
 */
export async function measureLoadBlock(options: LoadBlockOptions): Promise<BlockSample[]> {
  const { side, signal } = options;
  const app = side.start
    ? await startTargetProcess(side.start, {
        root: side.root,
        signal,
        ...(side.appEnv ? { env: side.appEnv } : {}),
      })
    : await startAppProcess({
        root: side.root,
        signal,
        ...(side.appEnv ? { env: side.appEnv } : {}),
      });
  try {
    return await measureLoadPasses({ ...options, url: app.url });
  } finally {
    await app.stop();
  }
}

/** The passes of one load block against an app that is already up at `url`. */
export async function measureLoadPasses(
  options: LoadBlockOptions & { url: string },
): Promise<BlockSample[]> {
  const { side, block, signal } = options;
  const samples: BlockSample[] = [];
  const dir = path.join(options.workDir, side.label, `block-${block}`, "autocannon");
  for (const endpoint of options.endpoints) {
    const pass = (seconds: number, name: string) =>
      runAutocannon(
        {
          id: endpoint.id,
          url: new URL(endpoint.path, options.url).href,
          ...(endpoint.paths ? { paths: endpoint.paths } : {}),
          connections: options.connections,
          durationSeconds: seconds,
          outFile: path.join(dir, `${endpoint.id}.${name}.json`),
          signal,
        },
        "compare",
      );
    if (options.warmupSeconds > 0) await pass(options.warmupSeconds, "warmup");
    const raw = await pass(options.durationSeconds, "measured");
    const metric = (
      metricId: string,
      unit: string,
      direction: "lower" | "higher",
      value: number,
    ): BlockSample => ({
      suiteId: `load/${endpoint.id}`,
      metricId,
      unit,
      direction,
      side: side.label,
      block,
      values: [value],
    });
    const figures = autocannonBlockFigures(raw);
    samples.push(metric("requests_rate", "req/s", "higher", figures.requestsRate));
    if (figures.latency) {
      samples.push(
        metric("latency_p50", "ms", "lower", figures.latency.p50),
        metric("latency_p95", "ms", "lower", figures.latency.p95),
        metric("latency_p99", "ms", "lower", figures.latency.p99),
      );
    }
  }
  return samples;
}
