import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeScratchRun } from "../../history/run-store.ts";
import { beginRunRecord } from "../../pipeline/run-record.ts";
import { runEngineBench } from "../../runners/engine-bench/run.ts";
import { EXIT } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

/**
 * `perfgate bench-engine [--long] [--part sync-style]`: k6's blocking style vs its async twin
 * and real k6 (`K6_PATH`), engine vs autocannon, arrival-rate accuracy, soak memory.
 */
const OPTIONS = {
  long: { type: "boolean", default: false },
  part: { type: "string", default: "all" },
} as const;

export const benchEngineCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench-engine [--long] [--part all|sync-style]",
    flags: {
      long: "the long variant (minutes): longer passes and the soak memory check",
      part: "all, or sync-style: only k6's blocking style vs its async twin, autocannon and K6_PATH's k6",
    },
    examples: [
      "perfgate bench-engine",
      "K6_PATH=/path/to/k6 perfgate bench-engine --part sync-style",
    ],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("bench-engine", argv, OPTIONS);
    const part = values.part === "sync-style" ? "sync-style" : "all";
    const long = values.long ?? false;
    const record = await beginRunRecord(
      io.cwd,
      long ? "bench-engine-long" : "bench-engine-quick",
      {},
      io.env,
    );
    const workDir = path.join(io.cwd, ".perf", record.runId, "raw", "bench-engine");
    await mkdir(workDir, { recursive: true });
    const suites = await runEngineBench({
      root: io.cwd,
      workDir,
      connections: 50,
      seconds: long ? 20 : 8,
      arrivalRate: 2000,
      arrivalSeconds: long ? 30 : 10,
      soakSeconds: long ? 300 : 40,
      log: (line) => io.err(`[bench-engine] ${line}\n`),
      signal: io.signal,
      k6Path: io.env.K6_PATH || undefined,
      part,
    });
    const run = record.finish({ suites });
    const file = await writeScratchRun(path.join(io.cwd, ".perf"), run);
    for (const suite of suites) {
      io.out(`${suite.id}\n`);
      for (const m of suite.metrics)
        io.out(`  ${m.id.padEnd(36)} ${Number(m.value?.toPrecision(4))} ${m.unit}\n`);
    }
    io.out(`run record: ${path.relative(io.cwd, file)}\n`);
    return EXIT.ok;
  },
};
