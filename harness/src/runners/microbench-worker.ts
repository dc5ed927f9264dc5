/**
 * One microbench case in one fresh process: `node --expose-gc --hash-seed=N
 * microbench-worker.mjs '<job json>'` (compiled by microbench-build.ts; runs under tsx too).
 * It imports the suite file, builds the case untimed, times it with each tool in the given
 * order, and writes one raw record to `job.outFile`. The process runs nothing else, so JIT
 * feedback and heap state are this case's alone.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { measure } from "mitata";
import { Bench } from "tinybench";
import type { MicrobenchRaw, MicrobenchWindow } from "../adapters/microbench-raw.ts";
import { machineBusyMs } from "./foreign-load.ts";
import { type LoadedGroup, pickCase, readSuiteModule } from "./microbench-suites.ts";
import { type InstructionPlan, measureInstructions } from "./microbench-worker-instructions.ts";

export interface WorkerJob {
  file: string;
  group: string;
  case: string;
  round: number;
  hashSeed: number;
  inputSeed: number;
  toolOrder: ("mitata" | "tinybench")[];
  /** mitata's CPU-time budget and tinybench's time budget per tool, in ms. */
  budgetMs: number;
  /** Untimed calls before the first tool, in ms of calls. */
  warmupMs: number;
  versions: { mitata: string; tinybench: string };
  outFile: string;
  /**
   * Injected regression for the detector's self-evaluation (`npm run evaluate`): each call
   * also burns this percentage of its own duration in CPU. 0 or absent in every normal run.
   */
  slowdownPct?: number;
  /**
   * Instruction mode (the process runs under callgrind): no timing tools, fixed call counts
   * bracketed by markers; the raw record's `instructions` is completed by the runner.
   */
  instructions?: InstructionPlan;
}

/** A call that takes `pct`% longer than `run`, by busy CPU work proportional to its own time. */
function slowedDown<T>(run: () => T, pct: number): () => T {
  return () => {
    const start = performance.now();
    const result = run();
    const until = performance.now() + ((performance.now() - start) * pct) / 100;
    while (performance.now() < until) {
      // Busy on purpose: slower code, not a sleep.
    }
    return result;
  };
}

// GC kinds from node:perf_hooks constants (NODE_PERFORMANCE_GC_*).
const GC_KIND: Record<number, "minor" | "major" | "incremental" | "weakcb"> = {
  1: "minor",
  4: "major",
  8: "incremental",
  16: "weakcb",
};

/** Runs `body` and measures wall, own CPU, foreign CPU and GC around it. */
async function observe(body: () => Promise<void>, calls: () => number): Promise<MicrobenchWindow> {
  const gc = { count: 0, minor: 0, major: 0, incremental: 0, weakcb: 0, ms: 0 };
  const record = (list: PerformanceObserverEntryList) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.ms += entry.duration;
      const kind =
        GC_KIND[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0];
      if (kind) gc[kind]++;
    }
  };
  const observer = new PerformanceObserver(record);
  observer.observe({ entryTypes: ["gc"] });
  const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
  const callsBefore = calls();
  const cpuBefore = process.cpuUsage();
  const busyBefore = machineBusyMs();
  const wallBefore = performance.now();
  await body();
  const wallMs = performance.now() - wallBefore;
  const busyMs = machineBusyMs() - busyBefore;
  const cpu = process.cpuUsage(cpuBefore);
  // GC entries are queued; let them arrive before detaching.
  await new Promise((resolve) => setImmediate(resolve));
  record({ getEntries: () => observer.takeRecords() } as PerformanceObserverEntryList);
  observer.disconnect();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    calls: calls() - callsBefore,
    wallMs,
    cpuMs,
    foreignCores: wallMs > 0 ? Math.max(0, (busyMs - cpuMs) / wallMs) : 0,
    loadAvgBefore: [l1, l5, l15],
    gc,
  };
}

/** Slow allocation cases take ~20 ms a call: give fixed work enough calls to see GCs. */
const MIN_FIXED_CALLS = 10;

async function runJob(job: WorkerJob): Promise<void> {
  // performance.now() counts from process start, so these also show the start-up cost.
  const phases = { start: performance.now(), imported: 0, setUp: 0, warm: 0, done: 0 };
  const suite = await readSuiteModule(await import(pathToFileURL(job.file).href), job.file);
  const { group, benchCase } = pickCase(suite, job.group, job.case, job.file);
  phases.imported = performance.now();
  const handle = await benchCase.setup({ seed: job.inputSeed });
  phases.setUp = performance.now();
  if (job.instructions) {
    measureInstructions(handle.run, job.instructions);
    const raw = baseRecord(job, suite, group, benchCase.id, benchCase.ops ?? group.ops);
    await writeFile(
      job.outFile,
      `${JSON.stringify({ ...raw, toolOrder: [], facts: handle.facts?.() ?? {}, plan: job.instructions })}\n`,
    );
    return;
  }
  let calls = 0;
  // Both sides of an evaluation carry the wrapper (0% on the base), so only the busy time differs.
  const run = job.slowdownPct !== undefined ? slowedDown(handle.run, job.slowdownPct) : handle.run;
  const timed = () => {
    calls++;
    return run();
  };
  const warmupEnd = performance.now() + job.warmupMs;
  do timed();
  while (performance.now() < warmupEnd);
  phases.warm = performance.now();

  const raw = baseRecord(job, suite, group, benchCase.id, benchCase.ops ?? group.ops);
  if (group.gc) {
    // Fixed work with only the GC observer, before either tool runs. While mitata's 8 MB
    // sample buffer (allocated inside measure()) is alive, GCs of allocation-heavy code take
    // milliseconds instead of ~0.1 ms; this window is free of any tool's allocations.
    const end = performance.now() + job.budgetMs;
    const before = calls;
    raw.fixedWork = await observe(
      async () => {
        do timed();
        while (performance.now() < end || calls - before < MIN_FIXED_CALLS);
      },
      () => calls,
    );
  }
  for (const tool of job.toolOrder) {
    if (tool === "mitata") raw.mitata = await measureWithMitata(timed, job, () => calls);
    else raw.tinybench = await measureWithTinybench(timed, benchCase.id, job, () => calls);
  }
  raw.facts = handle.facts?.() ?? {};
  phases.done = performance.now();
  raw.phasesMs = {
    start: phases.start,
    import: phases.imported - phases.start,
    setup: phases.setUp - phases.imported,
    warmup: phases.warm - phases.setUp,
    measure: phases.done - phases.warm,
  };
  await writeFile(job.outFile, `${JSON.stringify(raw)}\n`);
}

function baseRecord(
  job: WorkerJob,
  suite: { id: string; title: string },
  group: LoadedGroup,
  caseId: string,
  ops: number,
): MicrobenchRaw {
  return {
    // A literal, not the adapter's constant: importing that would load zod into every worker.
    format: "perfgate-microbench-raw/1",
    suite: { id: suite.id, title: suite.title },
    group: describeGroup(group),
    case: { id: caseId, ops },
    round: job.round,
    hashSeed: job.hashSeed,
    inputSeed: job.inputSeed,
    node: process.versions.node,
    v8: process.versions.v8,
    toolOrder: job.toolOrder,
    facts: {},
  };
}

async function measureWithMitata(
  timed: () => unknown,
  job: WorkerJob,
  calls: () => number,
): Promise<MicrobenchRaw["mitata"]> {
  let stats: Awaited<ReturnType<typeof measure>> | undefined;
  const window = await observe(async () => {
    stats = await measure(timed, { min_cpu_time: job.budgetMs * 1e6, min_samples: 10 });
  }, calls);
  if (!stats) throw new Error("mitata returned no stats");
  const { min, max, avg, p25, p50, p75, p99, ticks, samples } = stats;
  return {
    version: job.versions.mitata,
    stats: { min, max, avg, p25, p50, p75, p99, ticks, samples },
    window,
  };
}

/** tinybench times every call itself; our calls are batched, so its timer is not the limit. */
async function measureWithTinybench(
  timed: () => unknown,
  name: string,
  job: WorkerJob,
  calls: () => number,
): Promise<MicrobenchRaw["tinybench"]> {
  const bench = new Bench({
    time: job.budgetMs,
    warmupTime: 0,
    iterations: 10,
    retainSamples: true,
  });
  bench.add(name, timed);
  const window = await observe(async () => {
    await bench.run();
  }, calls);
  const result = bench.tasks[0]?.result;
  if (result?.state !== "completed") {
    const reason = result && "error" in result ? result.error : result?.state;
    throw new Error(`tinybench did not complete: ${String(reason)}`);
  }
  const { min, max, mean, p50, p99, sd, rme, samplesCount, samples } = result.latency;
  return {
    version: job.versions.tinybench,
    result: {
      latency: {
        min,
        max,
        mean,
        p50,
        p99,
        sd,
        rme,
        samplesCount,
        ...(samples ? { samples: [...samples] } : {}),
      },
      period: result.period,
      totalTime: result.totalTime,
    },
    window,
  };
}

function describeGroup(group: LoadedGroup): MicrobenchRaw["group"] {
  return {
    id: group.id,
    title: group.title,
    baseline: group.baseline,
    ...(group.subject !== undefined ? { subject: group.subject } : {}),
    estimator: group.estimator ?? "median",
    gc: group.gc ?? false,
  };
}

const arg = process.argv[2];
if (arg === undefined) {
  process.stderr.write("microbench-worker: missing job argument (JSON)\n");
  process.exitCode = 2;
} else {
  runJob(JSON.parse(arg) as WorkerJob).catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
