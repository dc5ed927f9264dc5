import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeScratchRun } from "../history/run-store.ts";
import { runEngineBench } from "../runners/engine-bench/run.ts";
import type { RunResult } from "../schema/index.ts";
import { beginRunRecord } from "./run-record.ts";

export interface BenchEngineOptions {
  root: string;
  /** Minutes instead of seconds: longer passes and the full soak. */
  long: boolean;
  part: "all" | "sync-style";
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * `npm run bench:engine`: the engine's benchmark suites in one scratch run record (`.perf/`);
 * never committed, since its peers (autocannon, `K6_PATH`'s k6) differ from machine to machine.
 */
export async function runBenchEngine(
  options: BenchEngineOptions,
): Promise<{ run: RunResult; file: string }> {
  const { root, long } = options;
  const record = await beginRunRecord(
    root,
    long ? "bench-engine-long" : "bench-engine-quick",
    {},
    options.env,
  );
  const workDir = path.join(root, ".perf", record.runId, "raw", "bench-engine");
  await mkdir(workDir, { recursive: true });
  const suites = await runEngineBench({
    root,
    workDir,
    connections: 50,
    seconds: long ? 20 : 8,
    arrivalRate: 2000,
    arrivalSeconds: long ? 30 : 10,
    soakSeconds: long ? 300 : 40,
    log: options.log,
    signal: options.signal,
    k6Path: options.env.K6_PATH || undefined,
    part: options.part,
  });
  const run = record.finish({ suites });
  return { run, file: await writeScratchRun(path.join(root, ".perf"), run) };
}
