import { describe, expect, it } from "vitest";
import { CACHE_GEOMETRY, callgrindArgs, findValgrind } from "./microbench-instructions.ts";
import type { WorkerJob } from "./microbench-worker.ts";

const job: WorkerJob & { instructions: NonNullable<WorkerJob["instructions"]> } = {
  file: "lru.bench.mjs",
  group: "get-90-10",
  case: "app",
  round: 0,
  hashSeed: 11,
  inputSeed: 1,
  toolOrder: [],
  budgetMs: 50,
  warmupMs: 30,
  versions: { mitata: "1.0.34", tinybench: "6.2.4" },
  outFile: "app.r0.json",
  instructions: { calls: 10, warmupCalls: 20, extraWork: 0 },
};

describe("callgrindArgs", () => {
  it("pins what could differ between processes: threads, seeds, cache geometry", () => {
    const args = callgrindArgs({ worker: "worker.mjs", job, cacheSim: true }, "/tmp/cg.out");
    const node = args.indexOf(process.execPath);
    const valgrind = args.slice(0, node);
    const v8 = args.slice(node + 1);
    expect(valgrind).toEqual(
      expect.arrayContaining([
        "--tool=callgrind",
        "--cache-sim=yes",
        ...CACHE_GEOMETRY,
        "--dump-before=node::os::GetPriority*",
        "--callgrind-out-file=/tmp/cg.out",
      ]),
    );
    expect(v8.slice(0, 5)).toEqual([
      "--single-threaded",
      "--expose-gc",
      "--hash-seed=11",
      "--random-seed=11",
      "worker.mjs",
    ]);
    expect(JSON.parse(v8[5] as string)).toEqual(job);
  });

  it("leaves the cache geometry out without cache simulation", () => {
    const args = callgrindArgs({ worker: "w.mjs", job, cacheSim: false }, "cg.out");
    expect(args).toContain("--cache-sim=no");
    expect(args.some((a) => a.startsWith("--LL="))).toBe(false);
  });
});

describe("findValgrind", () => {
  it("is undefined for a command that does not exist", () => {
    expect(findValgrind("perfgate-no-such-valgrind")).toBeUndefined();
  });
});
