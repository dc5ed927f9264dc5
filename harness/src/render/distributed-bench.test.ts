import { describe, expect, it } from "vitest";
import { renderDistributedBench } from "./distributed-bench.ts";

describe("renderDistributedBench", () => {
  it("prints the machine, then per-runner costs and how much cheaper the collector is", () => {
    const row = {
      n: 2,
      wallS: 1.5,
      iterations: 4000,
      exact: true,
      lineBytes: 3072,
      collectMs: 4,
      rawMs: 400,
      rawBytes: 4 * 1024 * 1024,
    };
    const text = renderDistributedBench([row, { ...row, n: 4, exact: false }], {
      iterations: 4000,
      cores: 2,
      loadAverage: [1.234, 0.5, 0.1],
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "k6-operator played locally: shared-iterations, 4000 iterations, 4 VUs; 2 cores, load 1.23/0.50",
    );
    expect(lines[2]).toBe(
      "  2 |   1.50 |       4000 | yes   |      3.0 KiB        |    2.00 ms      |   200.0 ms, 2.0 MiB | 100x cheaper",
    );
    expect(lines[3]).toContain("  4 |   1.50 |       4000 | NO    |");
    expect(lines).toHaveLength(5);
  });
});
