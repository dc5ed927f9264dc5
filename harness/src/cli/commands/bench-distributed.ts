import os from "node:os";
import { benchDistributed } from "../../pipeline/bench-distributed.ts";
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
    const [load1, load5] = os.loadavg();
    io.out(
      `k6-operator played locally: shared-iterations, ${iterations} iterations, 4 VUs; ${os.availableParallelism()} cores, load ${load1?.toFixed(2)}/${load5?.toFixed(2)}\n`,
    );
    io.out(
      "  n | wall s | iterations | exact | summary line/runner | collector/runner | raw samples/runner | collector vs raw\n",
    );
    for (const r of rows) {
      io.out(
        `  ${r.n} | ${r.wallS.toFixed(2).padStart(6)} | ${String(r.iterations).padStart(10)} | ${r.exact ? "yes" : "NO "}   | ${(r.lineBytes / 1024).toFixed(1).padStart(8)} KiB        | ${(r.collectMs / r.n).toFixed(2).padStart(7)} ms      | ${(r.rawMs / r.n).toFixed(1).padStart(7)} ms, ${(r.rawBytes / r.n / 1024 / 1024).toFixed(1)} MiB | ${(r.rawMs / r.collectMs).toFixed(0)}x cheaper\n`,
      );
    }
    return rows.every((r) => r.exact) ? EXIT.ok : EXIT.toolFailed;
  },
};
