import type { DistributedBenchRow } from "../pipeline/bench-distributed.ts";

/** The machine the rows were measured on, printed above them (ratios mean little without it). */
interface BenchMachine {
  iterations: number;
  cores: number;
  loadAverage: number[];
}

/** `perfgate bench-distributed`'s table: one row per runner count, costs per runner. Pure. */
export function renderDistributedBench(rows: readonly DistributedBenchRow[], on: BenchMachine) {
  const [load1, load5] = on.loadAverage.map((load) => load.toFixed(2));
  const lines = rows.map(
    (r) =>
      `  ${r.n} | ${r.wallS.toFixed(2).padStart(6)} | ${String(r.iterations).padStart(10)} | ${r.exact ? "yes" : "NO "}   | ${(r.lineBytes / 1024).toFixed(1).padStart(8)} KiB        | ${(r.collectMs / r.n).toFixed(2).padStart(7)} ms      | ${(r.rawMs / r.n).toFixed(1).padStart(7)} ms, ${(r.rawBytes / r.n / 1024 / 1024).toFixed(1)} MiB | ${(r.rawMs / r.collectMs).toFixed(0)}x cheaper\n`,
  );
  return [
    `k6-operator played locally: shared-iterations, ${on.iterations} iterations, 4 VUs; ${on.cores} cores, load ${load1}/${load5}\n`,
    "  n | wall s | iterations | exact | summary line/runner | collector/runner | raw samples/runner | collector vs raw\n",
    ...lines,
  ].join("");
}
