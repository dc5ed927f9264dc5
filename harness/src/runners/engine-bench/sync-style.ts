import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import type { Metric, Suite } from "../../schema/index.ts";
import { builtinEngine } from "../k6.ts";
import { closedLoopScript, thinkTimeScript } from "./scripts.ts";

/** GNU time reports a child's CPU and peak RSS exactly, for the engine and k6 alike. */
const GNU_TIME = "/usr/bin/time";

export interface SyncStyleOptions {
  workDir: string;
  /** The bench target's URL (scripts.ts TARGET_SERVER). */
  url: string;
  /** The real k6 binary, when `K6_PATH` is set. */
  k6Path: string | undefined;
  seconds: number;
  thinkSeconds: number;
  /** Rounds of every pass; metrics are medians, ratios the median of per-round ratios. */
  rounds: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** What one generator run measured; a field is absent when it could not be measured. */
export interface GeneratorPass {
  rate?: number;
  requests?: number;
  cpuSeconds?: number;
  peakRssMb?: number;
  /** From spawn to the moment the target had seen one connection per VU send. */
  msToAllVus?: number;
}

type Generator = "engine" | "k6";

async function targetFirsts(url: string, reset: boolean): Promise<number[]> {
  const res = await fetch(new URL(reset ? "/__reset" : "/__stats", url));
  return ((await res.json()) as { firsts?: number[] }).firsts ?? [];
}

/** Runs one generator under GNU time on `script` and reads its summary export. */
async function runPass(
  options: SyncStyleOptions,
  generator: Generator,
  name: string,
  script: string,
  vus: number,
): Promise<GeneratorPass> {
  const file = path.join(options.workDir, `${name}.js`);
  const summary = path.join(options.workDir, `${name}.summary.json`);
  const timing = path.join(options.workDir, `${name}.time`);
  await writeFile(file, script);
  const args = ["run", "-q", "-e", `TARGET=${options.url}`, "--summary-export", summary, file];
  const command =
    generator === "k6"
      ? [options.k6Path as string, ...args]
      : [process.execPath, builtinEngine().path, ...args];
  const timed = existsSync(GNU_TIME);
  const argv = timed ? ["-f", "%U %S %M", "-o", timing, ...command] : command.slice(1);
  await targetFirsts(options.url, true);
  const spawnedAt = Date.now();
  const child = spawn(timed ? GNU_TIME : (command[0] as string), argv, {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const onAbort = () => child.kill("SIGINT");
  options.signal.addEventListener("abort", onAbort, { once: true });
  const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  options.signal.removeEventListener("abort", onAbort);
  if (code !== 0) throw new Error(`${generator} run ${name} exited ${code}`);
  const firsts = (await targetFirsts(options.url, false)).sort((a, b) => a - b);
  const metrics = (
    JSON.parse(await readFile(summary, "utf8")) as {
      metrics: Record<string, Record<string, number>>;
    }
  ).metrics;
  const pass: GeneratorPass = {};
  const requests = metrics.http_reqs?.count;
  if (requests !== undefined) pass.requests = requests;
  if (metrics.http_reqs?.rate !== undefined) pass.rate = metrics.http_reqs.rate;
  if (timed) {
    const [user, sys, maxKb] = (await readFile(timing, "utf8")).trim().split(/\s+/).slice(-3);
    pass.cpuSeconds = Number(user) + Number(sys);
    pass.peakRssMb = Number(maxKb) / 1024;
  }
  const all = firsts[vus - 1];
  if (all !== undefined) pass.msToAllVus = all - spawnedAt;
  return pass;
}

/**
 * One round: for each shape and style the engine and k6 back to back, so drift hits both; who
 * goes first alternates by round, and autocannon's flood comes last (the pass right after it
 * measured slower, whichever generator it was).
 */
async function round(
  options: SyncStyleOptions,
  index: number,
): Promise<{ acRate: number; passes: Record<string, GeneratorPass> }> {
  const duration = `${options.seconds}s`;
  const shapes = [
    { label: "50", vus: 50, script: (style: Style) => closedLoopScript(style, 50, duration) },
    {
      label: "1000",
      vus: 1000,
      script: (style: Style) => thinkTimeScript(style, 1000, duration, options.thinkSeconds),
    },
  ];
  const generators: Generator[] = options.k6Path ? ["engine", "k6"] : ["engine"];
  if (index % 2 === 1) generators.reverse();
  const passes: Record<string, GeneratorPass> = {};
  for (const { label, vus, script } of shapes) {
    for (const style of ["sync", "async"] as const) {
      for (const generator of generators) {
        const name = `${generator}-${style}-${label}`;
        options.log(`round ${index + 1}/${options.rounds}: ${name}, ${vus} VUs × ${duration}`);
        passes[name] = await runPass(options, generator, name, script(style), vus);
      }
    }
  }
  options.log(`round ${index + 1}/${options.rounds}: autocannon, 50 connections × ${duration}`);
  const ac = await autocannon({ url: options.url, connections: 50, duration: options.seconds });
  return { acRate: ac.requests.total / ac.duration, passes };
}

type Style = "sync" | "async";

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[mid]
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const metric = (id: string, unit: Metric["unit"], direction: Metric["direction"], value: number) =>
  ({ id, unit, direction, value }) satisfies Metric;

const per10k = (p: GeneratorPass | undefined) =>
  p?.cpuSeconds !== undefined && p.requests ? (p.cpuSeconds * 1e4) / p.requests : undefined;

/** What each field of a pass is called, its unit and which way is better. */
const FIELDS: [
  string,
  Metric["unit"],
  Metric["direction"],
  (p: GeneratorPass) => number | undefined,
][] = [
  ["rate", "req/s", "higher", (p) => p.rate],
  ["cpu_s_per_10k", "s", "lower", per10k],
  ["peak_rss", "MB", "lower", (p) => p.peakRssMb],
  ["ms_to_all_vus", "ms", "lower", (p) => p.msToAllVus],
];

/** The goals' ratios: engine over k6 (or autocannon) within each round. */
const RATIOS: [
  string,
  Metric["direction"],
  (r: RoundResult) => [number | undefined, number | undefined],
][] = [
  [
    "sync_50_rate_vs_k6",
    "higher",
    (r) => [r.passes["engine-sync-50"]?.rate, r.passes["k6-sync-50"]?.rate],
  ],
  [
    "sync_50_cpu_per_10k_vs_k6",
    "lower",
    (r) => [per10k(r.passes["engine-sync-50"]), per10k(r.passes["k6-sync-50"])],
  ],
  [
    "sync_50_rss_vs_k6",
    "lower",
    (r) => [r.passes["engine-sync-50"]?.peakRssMb, r.passes["k6-sync-50"]?.peakRssMb],
  ],
  [
    "sync_50_start_vs_k6",
    "lower",
    (r) => [r.passes["engine-sync-50"]?.msToAllVus, r.passes["k6-sync-50"]?.msToAllVus],
  ],
  ["sync_50_rate_vs_autocannon", "higher", (r) => [r.passes["engine-sync-50"]?.rate, r.acRate]],
  [
    "async_50_rate_vs_k6",
    "higher",
    (r) => [r.passes["engine-async-50"]?.rate, r.passes["k6-async-50"]?.rate],
  ],
  [
    "sync_1000_rate_vs_k6",
    "higher",
    (r) => [r.passes["engine-sync-1000"]?.rate, r.passes["k6-sync-1000"]?.rate],
  ],
  [
    "sync_1000_cpu_per_10k_vs_k6",
    "lower",
    (r) => [per10k(r.passes["engine-sync-1000"]), per10k(r.passes["k6-sync-1000"])],
  ],
  [
    "sync_1000_rss_vs_k6",
    "lower",
    (r) => [r.passes["engine-sync-1000"]?.peakRssMb, r.passes["k6-sync-1000"]?.peakRssMb],
  ],
];

type RoundResult = Awaited<ReturnType<typeof round>>;

/** Medians over rounds of every measured field, and of the per-round ratios; absent stays absent. */
function metricsOf(rounds: RoundResult[]): { metrics: Metric[]; spread: Record<string, string> } {
  const metrics: Metric[] = [];
  const ac = median(rounds.map((r) => r.acRate));
  if (ac !== undefined) metrics.push(metric("autocannon_50_rate", "req/s", "higher", ac));
  const names = [...new Set(rounds.flatMap((r) => Object.keys(r.passes)))];
  for (const name of names) {
    for (const [field, unit, direction, read] of FIELDS) {
      const values = rounds
        .map((r) => (r.passes[name] ? read(r.passes[name]) : undefined))
        .filter((v): v is number => v !== undefined);
      const value = median(values);
      if (value !== undefined) metrics.push(metric(`${name}_${field}`, unit, direction, value));
    }
  }
  const spread: Record<string, string> = {};
  for (const [id, direction, pair] of RATIOS) {
    const ratios = rounds
      .map(pair)
      .filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined && p[1] > 0)
      .map(([a, b]) => a / b);
    const value = median(ratios);
    if (value === undefined) continue;
    metrics.push(metric(id, "times", direction, value));
    spread[`${id}_rounds`] = ratios.map((r) => r.toFixed(2)).join(" ");
  }
  return { metrics, spread };
}

/**
 * k6's blocking style against its async twin and against real k6 (when `K6_PATH` is set), on
 * one loopback target in one run: 50 VUs in a closed loop (with autocannon at 50 connections as
 * the ceiling) and 1,000 VUs with think time, in alternating rounds (the machine is shared: a
 * single pass per generator measured the noise). CPU and peak RSS come from GNU time.
 */
export async function runSyncStyleBench(options: SyncStyleOptions): Promise<Suite> {
  const rounds: RoundResult[] = [];
  for (let i = 0; i < options.rounds; i += 1) rounds.push(await round(options, i));
  const { metrics, spread } = metricsOf(rounds);
  return {
    kind: "endpoint",
    id: "engine-sync-style",
    tool: { name: "perfgate-engine", version: "bench" },
    status: "ok",
    metrics,
    meta: {
      ...spread,
      rounds: options.rounds,
      seconds: options.seconds,
      think_seconds: options.thinkSeconds,
      k6: options.k6Path ? "real k6 (K6_PATH)" : "absent (K6_PATH unset)",
      cpu_and_rss: existsSync(GNU_TIME) ? "GNU time" : "absent (no /usr/bin/time)",
    },
  };
}
