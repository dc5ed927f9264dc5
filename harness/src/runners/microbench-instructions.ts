/**
 * Instruction mode: one microbench case in one `node` process under Valgrind's callgrind.
 *
 * What is counted: every instruction of every thread between two marker calls (see
 * microbench-worker-instructions.ts) — the case's own code, the JIT-compiled code it runs, the
 * V8 runtime and builtins it calls, and any garbage collection its allocations trigger inside the
 * region. Not counted: start-up, imports, set-up, warm-up, the GCs forced between regions, and
 * (by the N / 2N difference) the markers' own cost.
 *
 * Why it is stable: callgrind serializes threads and simulates the CPU, so the count does not
 * depend on how busy the machine is. What could still vary between processes is removed: V8 runs
 * `--single-threaded` (no concurrent compiler or GC helper threads, so tier-up and GC happen at
 * the same instruction every time), hash and random seeds are fixed, the worker reads no clock
 * in this mode, and the simulated caches have a fixed geometry instead of the host's.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type CallgrindCounts, parseCallgrindDump } from "../adapters/callgrind.ts";
import { MicrobenchRaw } from "../adapters/microbench-raw.ts";
import { EXIT, formatIssues, HarnessError } from "../schema/index.ts";
import { spawnBounded } from "./bounded-process.ts";
import type { WorkerJob } from "./microbench-worker.ts";
import { MARKER_SYMBOL, REGION_DUMPS } from "./microbench-worker-instructions.ts";

/** Every instruction-mode process uses this V8 hash seed, so processes are replicas. */
export const INSTRUCTION_HASH_SEED = 11;

/**
 * A fixed cache geometry (32 KiB 8-way L1s, 8 MiB 16-way LL, 64 B lines): callgrind otherwise
 * copies the host CPU's, and estimated cycles would change with the runner's hardware.
 */
export const CACHE_GEOMETRY = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"];

export interface ValgrindInfo {
  command: string;
  version: string;
}

/** `valgrind --version`, or undefined when Valgrind is not installed. */
export function findValgrind(command = "valgrind"): ValgrindInfo | undefined {
  const result = spawnSync(command, ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (result.status !== 0 || typeof result.stdout !== "string") return undefined;
  return { command, version: result.stdout.trim().replace(/^valgrind-/, "") };
}

/** Valgrind or a clear error: instruction mode cannot fall back to timing silently. */
export function requireValgrind(): ValgrindInfo {
  const info = findValgrind();
  if (!info) {
    throw new HarnessError("E_NO_VALGRIND", "--measure instructions needs Valgrind (callgrind)", {
      hint: "apt-get install -y valgrind (Debian/Ubuntu), or measure time (the default)",
      exitCode: EXIT.usage,
    });
  }
  return info;
}

export interface InstructionRunOptions {
  root: string;
  worker: string;
  job: WorkerJob & { instructions: NonNullable<WorkerJob["instructions"]> };
  valgrind: ValgrindInfo;
  /** Simulate the caches too (estimated cycles); about 2.5x slower. */
  cacheSim: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** The valgrind + node command line of one instruction-mode process. */
export function callgrindArgs(
  options: Pick<InstructionRunOptions, "worker" | "job" | "cacheSim">,
  outFile: string,
): string[] {
  const { job } = options;
  return [
    "--tool=callgrind",
    "-q",
    `--cache-sim=${options.cacheSim ? "yes" : "no"}`,
    ...(options.cacheSim ? CACHE_GEOMETRY : []),
    `--dump-before=${MARKER_SYMBOL}`,
    `--callgrind-out-file=${outFile}`,
    process.execPath,
    "--single-threaded",
    "--expose-gc",
    `--hash-seed=${job.hashSeed}`,
    `--random-seed=${job.hashSeed}`,
    options.worker,
    JSON.stringify(job),
  ];
}

/**
 * Runs the worker under callgrind and writes the complete raw record (counts included) to
 * `job.outFile`. Returns the record, or the failure in one message.
 */
export async function runInstructionWorker(
  options: InstructionRunOptions,
): Promise<{ raw?: MicrobenchRaw; error?: string }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "perfgate-callgrind-"));
  try {
    const outFile = path.join(tmp, "callgrind.out");
    const started = performance.now();
    const run = await spawnBounded(
      "callgrind worker",
      options.valgrind.command,
      callgrindArgs(options, outFile),
      options.root,
      options.timeoutMs,
      options.signal,
    );
    if (run.error !== undefined) return { error: run.error };
    const processMs = performance.now() - started;
    const dump = async (n: number): Promise<CallgrindCounts> =>
      parseCallgrindDump(await readFile(`${outFile}.${n}`, "utf8"));
    const partial = JSON.parse(await readFile(options.job.outFile, "utf8")) as Record<
      string,
      unknown
    >;
    const { plan: _plan, ...rest } = partial;
    const plan = options.job.instructions;
    const spin = plan.spinIterations
      ? {
          iterations: plan.spinIterations,
          single: await dump(REGION_DUMPS.spin.single),
          double: await dump(REGION_DUMPS.spin.double),
        }
      : undefined;
    const candidate = {
      ...rest,
      instructions: {
        tool: "callgrind",
        valgrind: options.valgrind.version,
        cacheSim: options.cacheSim,
        hashSeed: options.job.hashSeed,
        calls: plan.calls,
        warmupCalls: plan.warmupCalls,
        extraWork: plan.extraWork,
        first: await dump(REGION_DUMPS.first),
        single: await dump(REGION_DUMPS.single),
        double: await dump(REGION_DUMPS.double),
        ...(spin ? { spin } : {}),
        processMs,
      },
    };
    const parsed = MicrobenchRaw.safeParse(candidate);
    if (!parsed.success)
      return {
        error: `${options.job.outFile}: invalid raw record: ${formatIssues(parsed.error.issues).join("; ")}`,
      };
    await writeFile(options.job.outFile, `${JSON.stringify(parsed.data)}\n`);
    return { raw: parsed.data };
  } catch (error) {
    return { error: `instruction counts unreadable: ${(error as Error).message}` };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
