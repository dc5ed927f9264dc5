import os from "node:os";
import { benchDistributed } from "../../pipeline/bench-distributed.ts";
import { renderDistributedBench } from "../../render/distributed-bench.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { integer, parseFlags } from "../flags.ts";

const OPTIONS = {
  iterations: integer(
    "shared iterations of the test every n splits between its runners",
    [100, 1e7],
    4000,
  ),
};

/** `perfgate bench-distributed`: local runners, n = 1, 2, 4, merged exactly or not, and the cost. */
export const benchDistributedCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "bench-distributed [--iterations n]",
    examples: ["perfgate bench-distributed", "perfgate bench-distributed --iterations 1000"],
  },
  async run(argv, io) {
    const { values } = parseFlags("bench-distributed", argv, OPTIONS);
    const { iterations } = values;
    const rows = await benchDistributed(iterations);
    const machine = { iterations, cores: os.availableParallelism(), loadAverage: os.loadavg() };
    io.out(renderDistributedBench(rows, machine));
    return rows.every((r) => r.exact) ? EXIT.ok : EXIT.toolFailed;
  },
};
