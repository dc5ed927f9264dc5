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

/** The passes of one load shape: sync style and async twin on the engine, and on k6 if given. */
async function shape(
  options: SyncStyleOptions,
  label: string,
  vus: number,
  script: (style: "sync" | "async") => string,
): Promise<Record<string, GeneratorPass>> {
  const passes: Record<string, GeneratorPass> = {};
  const generators: Generator[] = options.k6Path ? ["engine", "k6"] : ["engine"];
  for (const generator of generators) {
    for (const style of ["sync", "async"] as const) {
      const name = `${generator}-${style}-${label}`;
      options.log(`${name}: ${vus} VUs × ${options.seconds}s`);
      passes[name] = await runPass(options, generator, name, script(style), vus);
    }
  }
  return passes;
}

const metric = (id: string, unit: Metric["unit"], direction: Metric["direction"], value: number) =>
  ({ id, unit, direction, value }) satisfies Metric;

/** Every measured field of every pass, and the goals' ratios where both sides were measured. */
function metricsOf(passes: Record<string, GeneratorPass>, acRate: number): Metric[] {
  const out: Metric[] = [metric("autocannon_50_rate", "req/s", "higher", acRate)];
  for (const [name, p] of Object.entries(passes)) {
    if (p.rate !== undefined) out.push(metric(`${name}_rate`, "req/s", "higher", p.rate));
    if (p.cpuSeconds !== undefined && p.requests)
      out.push(metric(`${name}_cpu_s_per_10k`, "s", "lower", (p.cpuSeconds * 1e4) / p.requests));
    if (p.peakRssMb !== undefined) out.push(metric(`${name}_peak_rss`, "MB", "lower", p.peakRssMb));
    if (p.msToAllVus !== undefined)
      out.push(metric(`${name}_ms_to_all_vus`, "ms", "lower", p.msToAllVus));
  }
  const ratio = (
    id: string,
    a: number | undefined,
    b: number | undefined,
    dir: "higher" | "lower",
  ) => {
    if (a !== undefined && b !== undefined && b > 0) out.push(metric(id, "times", dir, a / b));
  };
  const e = passes["engine-sync-50"];
  const k = passes["k6-sync-50"];
  const per10k = (p: GeneratorPass | undefined) =>
    p?.cpuSeconds !== undefined && p.requests ? (p.cpuSeconds * 1e4) / p.requests : undefined;
  ratio("sync_50_rate_vs_k6", e?.rate, k?.rate, "higher");
  ratio("sync_50_cpu_per_10k_vs_k6", per10k(e), per10k(k), "lower");
  ratio("sync_50_rss_vs_k6", e?.peakRssMb, k?.peakRssMb, "lower");
  ratio("sync_50_rate_vs_autocannon", e?.rate, acRate, "higher");
  ratio(
    "sync_1000_rate_vs_k6",
    passes["engine-sync-1000"]?.rate,
    passes["k6-sync-1000"]?.rate,
    "higher",
  );
  ratio(
    "sync_1000_rss_vs_k6",
    passes["engine-sync-1000"]?.peakRssMb,
    passes["k6-sync-1000"]?.peakRssMb,
    "lower",
  );
  return out;
}

/**
 * k6's blocking style against its async twin and against real k6 (when `K6_PATH` is set), on
 * one loopback target in one run: 50 VUs in a closed loop (with autocannon at 50 connections as
 * the ceiling) and 1,000 VUs with think time. CPU and peak RSS come from GNU time.
 */
export async function runSyncStyleBench(options: SyncStyleOptions): Promise<Suite> {
  const duration = `${options.seconds}s`;
  options.log(`autocannon: 50 connections × ${duration}`);
  const ac = await autocannon({ url: options.url, connections: 50, duration: options.seconds });
  const acRate = ac.requests.total / ac.duration;
  const passes = {
    ...(await shape(options, "50", 50, (style) => closedLoopScript(style, 50, duration))),
    ...(await shape(options, "1000", 1000, (style) =>
      thinkTimeScript(style, 1000, duration, options.thinkSeconds),
    )),
  };
  return {
    kind: "endpoint",
    id: "engine-sync-style",
    tool: { name: "perfgate-engine", version: "bench" },
    status: "ok",
    metrics: metricsOf(passes, acRate),
    meta: {
      seconds: options.seconds,
      think_seconds: options.thinkSeconds,
      k6: options.k6Path ? "real k6 (K6_PATH)" : "absent (K6_PATH unset)",
      cpu_and_rss: existsSync(GNU_TIME) ? "GNU time" : "absent (no /usr/bin/time)",
    },
  };
}
