/**
 * Foreign CPU load: how much of the machine other processes used while a stage measured. The
 * machine's busy time comes from /proc/stat (os.cpus off Linux), the stage's own from /proc for
 * this process and every descendant (the app, k6, Chromium), so what is left is someone
 * else's. Steal time (a hypervisor giving our vCPU to another guest) is read beside it. The
 * microbench worker measures its windows with the same machine reading.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import type { Suite } from "../schema/index.ts";

/** Busy CPU time of the whole machine in ms, summed over cores (os.cpus works off Linux too). */
export function machineBusyMs(): number {
  let busy = 0;
  for (const cpu of os.cpus())
    busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busy;
}

/** Aggregate CPU counters of /proc/stat, in clock ticks; undefined off Linux. */
interface MachineTicks {
  busy: number;
  steal: number;
  total: number;
}

function readMachineTicks(): MachineTicks | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [, ...fields] = line.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
    const values = [user, nice, system, idle, iowait, irq, softirq, steal] as number[];
    if (values.some((v) => !Number.isFinite(v))) return undefined;
    const total = values.reduce((a, b) => a + b, 0);
    return {
      busy:
        (user as number) +
        (nice as number) +
        (system as number) +
        (irq as number) +
        (softirq as number),
      steal: steal as number,
      total,
    };
  } catch {
    return undefined;
  }
}

/** utime + stime + cutime + cstime of one process, in clock ticks; undefined once it is gone. */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  } catch {
    return undefined;
  }
}

/** Direct children of a process, from every thread's `children` list (Linux ≥ 3.5). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * CPU ticks of `rootPid` and all its descendants, children that already exited included (their
 * time moves into the parent's cutime/cstime when reaped, so a delta stays right). Walks only
 * our own tree, so a reading costs the same however many other processes the machine runs.
 */
export function readTreeTicks(rootPid: number): number {
  let ticks = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += processTicks(pid) ?? 0;
    queue.push(...childrenOf(pid));
  }
  return ticks;
}

/** What other processes did to the machine while one stage ran. */
export interface ForeignLoad {
  /** Mean foreign CPU over the stage, in cores. */
  meanCores: number;
  /** The most foreign CPU in any one sampling interval, in cores. */
  maxCores: number;
  /** Steal time over the stage, % of all CPU time. */
  stealPct: number;
  samples: number;
  wallMs: number;
}

export interface ForeignLoadSampler {
  stop(): ForeignLoad;
}

interface Reading {
  at: number;
  machine: MachineTicks | undefined;
  own: number;
}

function read(rootPid: number): Reading {
  return { at: performance.now(), machine: readMachineTicks(), own: readTreeTicks(rootPid) };
}

/** Foreign cores and steal ticks between two readings. */
function between(
  a: Reading,
  b: Reading,
  cores: number,
): { cores: number; steal: number; total: number } {
  if (!a.machine || !b.machine) return { cores: 0, steal: 0, total: 0 };
  const total = b.machine.total - a.machine.total;
  if (total <= 0) return { cores: 0, steal: 0, total: 0 };
  const foreign = b.machine.busy - a.machine.busy - (b.own - a.own);
  return {
    cores: Math.max(0, (foreign * cores) / total),
    steal: b.machine.steal - a.machine.steal,
    total,
  };
}

/**
 * Sample foreign CPU load every `intervalMs` until stopped. Readings are synchronous and cheap
 * (/proc), so the sampler costs the measured stage a few ms a second at most.
 */
export function startForeignLoadSampler(
  options: { intervalMs?: number; rootPid?: number } = {},
): ForeignLoadSampler {
  const rootPid = options.rootPid ?? process.pid;
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const first = read(rootPid);
  let previous = first;
  let maxCores = 0;
  let samples = 0;
  const sample = () => {
    const now = read(rootPid);
    maxCores = Math.max(maxCores, between(previous, now, cores).cores);
    previous = now;
    samples++;
  };
  const timer = setInterval(sample, options.intervalMs ?? 500);
  timer.unref();
  let result: ForeignLoad | undefined;
  return {
    // Idempotent: a wrapper may stop it on success and again in its finally.
    stop() {
      if (result) return result;
      clearInterval(timer);
      sample();
      const whole = between(first, previous, cores);
      result = {
        meanCores: whole.cores,
        maxCores: Math.max(maxCores, whole.cores),
        stealPct: whole.total > 0 ? (whole.steal / whole.total) * 100 : 0,
        samples,
        wallMs: previous.at - first.at,
      };
      return result;
    },
  };
}

/** Suite kinds whose numbers foreign CPU load moves: sampled while they run. */
export const SAMPLED_KINDS: ReadonlySet<Suite["kind"]> = new Set([
  "load",
  "endpoint",
  "lighthouse",
]);

/** The sampled figures as suite `meta` (what verdicts/foreign-load.ts judges), rounded. */
export function foreignLoadMeta(load: ForeignLoad): {
  foreignCores: number;
  foreignCoresMax: number;
  stealPct: number;
} {
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    foreignCores: round(load.meanCores),
    foreignCoresMax: round(load.maxCores),
    stealPct: round(load.stealPct),
  };
}

/**
 * Run one stage's unit with the sampler on and record what it saw in the suite's `meta`. Any
 * stage wrapper (cli's runUnit, a pipeline's guardUnit) wraps its work with this, once.
 */
export async function withForeignLoad(work: () => Promise<Suite>): Promise<Suite> {
  const sampler = startForeignLoadSampler();
  try {
    const suite = await work();
    return { ...suite, meta: { ...suite.meta, ...foreignLoadMeta(sampler.stop()) } };
  } finally {
    sampler.stop();
  }
}
