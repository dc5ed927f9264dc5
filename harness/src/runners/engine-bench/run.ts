import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import type { Metric, Suite } from "../../schema/index.ts";
import { builtinEngine } from "../k6.ts";
import { startProcessRssSampler } from "../process-rss.ts";
import { arrivalRateScript, closedLoopScript, TARGET_SERVER } from "./scripts.ts";
import { runSyncStyleBench } from "./sync-style.ts";

export interface EngineBenchOptions {
  root: string;
  workDir: string;
  connections: number;
  /** Seconds per throughput pass. */
  seconds: number;
  arrivalRate: number;
  arrivalSeconds: number;
  /** Seconds of the memory soak at 1,000 req/s; RSS is compared at 30 s and at the end. */
  soakSeconds: number;
  log: (line: string) => void;
  signal: AbortSignal;
  /** The real k6 binary (`K6_PATH`), the peer of the sync-style suite. */
  k6Path?: string | undefined;
  /** `sync-style` runs only the sync-style suite (sync-style.ts). */
  part?: "all" | "sync-style";
}

async function startTarget(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", TARGET_SERVER], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once("exit", (code) => reject(new Error(`bench target exited ${code}`)));
  });
  return { url, child };
}

/** Runs the engine as a child process, as the harness does, sampling its RSS every second. */
async function runEngineChild(
  options: EngineBenchOptions,
  name: string,
  script: string,
  target: string,
  env: Record<string, string> = {},
) {
  const file = path.join(options.workDir, `${name}.js`);
  const summary = path.join(options.workDir, `${name}.summary.json`);
  await writeFile(file, script);
  const child = spawn(
    process.execPath,
    [
      builtinEngine().path,
      "run",
      "-q",
      "-e",
      `TARGET=${target}`,
      "--summary-export",
      summary,
      "--summary-trend-stats",
      "avg,min,med,max,p(90),p(95),p(99),count",
      file,
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } },
  );
  const sampler = child.pid !== undefined ? startProcessRssSampler(child.pid, 1000) : undefined;
  const onAbort = () => child.kill("SIGINT");
  options.signal.addEventListener("abort", onAbort, { once: true });
  const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  const rss = (await sampler?.stop()) ?? [];
  options.signal.removeEventListener("abort", onAbort);
  if (code !== 0) throw new Error(`engine run ${name} exited ${code}`);
  const metrics = (
    JSON.parse(await readFile(summary, "utf8")) as {
      metrics: Record<string, Record<string, number>>;
    }
  ).metrics;
  return { metrics, rss };
}

const metric = (
  id: string,
  unit: Metric["unit"],
  direction: Metric["direction"],
  value: number,
): Metric => ({ id, unit, direction, value });

type EngineRun = Awaited<ReturnType<typeof runEngineChild>>;
type Round = { ac: number; one: number; many: number };
const ENGINE_TOOL = { name: "perfgate-engine", version: "bench" };
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Rounds of autocannon, engine on 1 thread, engine on one thread per core: each engine pass is
 * compared with the autocannon pass of its own round, so drift on a shared machine shows up as
 * spread between rounds instead of bias.
 */
async function throughputRounds(
  options: EngineBenchOptions,
  url: string,
  threads: number,
): Promise<Round[]> {
  const duration = `${options.seconds}s`;
  const cannon = async () => {
    options.log(`autocannon: ${options.connections} connections × ${duration}`);
    const ac = await autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
    });
    return ac.requests.total / ac.duration;
  };
  const rounds: Round[] = [];
  for (let round = 0; round < 2; round += 1) {
    const ac = await cannon();
    const passes = [];
    for (const n of [1, threads]) {
      options.log(`engine async, ${n} thread(s): ${options.connections} VUs × ${duration}`);
      const pass = await runEngineChild(
        options,
        `async-${n}`,
        closedLoopScript("async", options.connections, duration),
        url,
        { PERFGATE_ENGINE_THREADS: String(n) },
      );
      passes.push(pass.metrics.http_reqs?.rate ?? 0);
    }
    rounds.push({ ac, one: passes[0] ?? 0, many: passes[1] ?? 0 });
  }
  return rounds;
}

function throughputSuite(
  options: EngineBenchOptions,
  rounds: Round[],
  syncRun: EngineRun,
  threads: number,
): Suite {
  const acRate = mean(rounds.map((r) => r.ac));
  const ratios = (pick: (r: Round) => number) => rounds.map((r) => (r.ac > 0 ? pick(r) / r.ac : 0));
  const oneRatios = ratios((r) => r.one);
  const manyRatios = ratios((r) => r.many);
  const asyncRate = mean(rounds.map((r) => r.one));
  const asyncMtRate = mean(rounds.map((r) => r.many));
  const syncRate = syncRun.metrics.http_reqs?.rate ?? 0;
  return {
    kind: "endpoint",
    id: "engine-vs-autocannon",
    tool: ENGINE_TOOL,
    status: "ok",
    metrics: [
      metric("autocannon_rate", "req/s", "higher", acRate),
      metric("engine_async_rate", "req/s", "higher", asyncRate),
      metric("engine_sync_rate", "req/s", "higher", syncRate),
      metric("engine_async_mt_rate", "req/s", "higher", asyncMtRate),
      metric("async_vs_autocannon", "ratio", "higher", mean(oneRatios)),
      metric("async_mt_vs_autocannon", "ratio", "higher", mean(manyRatios)),
      metric("sync_vs_autocannon", "ratio", "higher", acRate > 0 ? syncRate / acRate : 0),
    ],
    meta: {
      connections: options.connections,
      seconds: options.seconds,
      threads,
      // Per-round ratios: their spread is the noise of this machine at the time.
      async_vs_autocannon_rounds: oneRatios.map((r) => r.toFixed(3)).join(" "),
      async_mt_vs_autocannon_rounds: manyRatios.map((r) => r.toFixed(3)).join(" "),
      autocannon_rounds: rounds.map((r) => r.ac.toFixed(0)).join(" "),
    },
  };
}

function arrivalSuite(options: EngineBenchOptions, car: EngineRun, carMt: EngineRun): Suite {
  const target = options.arrivalRate * options.arrivalSeconds;
  const started = car.metrics.iterations?.count ?? 0;
  return {
    kind: "load",
    id: "engine-arrival-accuracy",
    tool: ENGINE_TOOL,
    status: "ok",
    metrics: [
      metric("started_vs_target", "ratio", "higher", target > 0 ? started / target : 0),
      metric("dropped_iterations", "count", "lower", car.metrics.dropped_iterations?.count ?? 0),
      metric("schedule_lag_p99", "ms", "lower", car.metrics.schedule_lag?.["p(99)"] ?? 0),
      metric(
        "mt_started_vs_target",
        "ratio",
        "higher",
        target > 0 ? (carMt.metrics.iterations?.count ?? 0) / target : 0,
      ),
      metric(
        "mt_dropped_iterations",
        "count",
        "lower",
        carMt.metrics.dropped_iterations?.count ?? 0,
      ),
      metric("mt_schedule_lag_p99", "ms", "lower", carMt.metrics.schedule_lag?.["p(99)"] ?? 0),
    ],
    meta: { rate: options.arrivalRate, seconds: options.arrivalSeconds },
  };
}

function soakSuite(options: EngineBenchOptions, soak: EngineRun): Suite {
  const earlyMs = Math.min(30, options.soakSeconds / 2) * 1000;
  const early = soak.rss.find((s) => s.tMs >= earlyMs)?.rss ?? 0;
  const late = soak.rss.at(-1)?.rss ?? 0;
  return {
    kind: "memory",
    id: "engine-soak-rss",
    tool: ENGINE_TOOL,
    status: "ok",
    metrics: [
      metric("rss_early", "MB", "lower", early / 1024 / 1024),
      metric("rss_end", "MB", "lower", late / 1024 / 1024),
      metric("rss_growth", "ratio", "lower", early > 0 ? late / early - 1 : 0),
    ],
    meta: { rate: 1000, seconds: options.soakSeconds },
  };
}

/**
 * `npm run bench:engine`: the built-in engine against autocannon on one loopback target, its
 * open-model accuracy, and its memory over a soak. Results are ratios against a peer measured in
 * the same run, never absolute claims.
 */
export async function runEngineBench(options: EngineBenchOptions): Promise<Suite[]> {
  const { url, child } = await startTarget();
  try {
    const syncStyle = await runSyncStyleBench({
      workDir: options.workDir,
      url,
      k6Path: options.k6Path,
      seconds: Math.min(options.seconds, 6),
      thinkSeconds: 1,
      rounds: options.seconds > 10 ? 5 : 3,
      log: options.log,
      signal: options.signal,
    });
    if (options.part === "sync-style") return [syncStyle];
    const duration = `${options.seconds}s`;
    const threads = os.availableParallelism();
    const rounds = await throughputRounds(options, url, threads);
    options.log(`engine sync: ${options.connections} VUs × ${duration}`);
    const syncRun = await runEngineChild(
      options,
      "sync",
      closedLoopScript("sync", options.connections, duration),
      url,
    );
    options.log(
      `engine constant-arrival-rate: ${options.arrivalRate}/s × ${options.arrivalSeconds}s`,
    );
    const car = await runEngineChild(
      options,
      "car",
      arrivalRateScript(options.arrivalRate, `${options.arrivalSeconds}s`, 100),
      url,
      { PERFGATE_ENGINE_THREADS: "1" },
    );
    options.log(`engine constant-arrival-rate on ${threads} threads`);
    const carMt = await runEngineChild(
      options,
      "car-mt",
      arrivalRateScript(options.arrivalRate, `${options.arrivalSeconds}s`, 100),
      url,
      { PERFGATE_ENGINE_THREADS: String(threads) },
    );
    options.log(`engine soak: 1000/s × ${options.soakSeconds}s`);
    const soak = await runEngineChild(
      options,
      "soak",
      arrivalRateScript(1000, `${options.soakSeconds}s`, 50),
      url,
    );
    return [
      syncStyle,
      throughputSuite(options, rounds, syncRun, threads),
      arrivalSuite(options, car, carMt),
      soakSuite(options, soak),
    ];
  } finally {
    child.kill("SIGTERM");
  }
}
