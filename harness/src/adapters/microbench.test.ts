import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { parseRunResult } from "../schema/index.ts";
import { normalizeMicrobench } from "./microbench.ts";
import { MicrobenchRaw } from "./microbench-raw.ts";

const FIXTURE_DIR = path.join(import.meta.dirname, "../../test/fixtures/raw/microbench");
const TOOLS = { mitata: "1.0.34", tinybench: "6.2.4" };

/** The captured raw records of a real `perfgate bench` run (see the fixture's README). */
function captured(): MicrobenchRaw[] {
  const files = readdirSync(FIXTURE_DIR, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .sort();
  return files.map((f) =>
    MicrobenchRaw.parse(JSON.parse(readFileSync(path.join(FIXTURE_DIR, f), "utf8"))),
  );
}

const window = (foreignCores = 0) => ({
  calls: 100,
  wallMs: 50,
  cpuMs: 50,
  foreignCores,
  loadAvgBefore: [0, 0, 0] as [number, number, number],
  gc: { count: 0, minor: 0, major: 0, incremental: 0, weakcb: 0, ms: 0 },
});

interface Synthetic extends Partial<MicrobenchRaw> {
  foreignCores?: number;
  /** tinybench's ns per call, when it should disagree with mitata. */
  tinyNs?: number;
}

/** A synthetic raw record: `nsPerCall` for mitata's p50 and avg, tinybench in agreement. */
function raw(
  caseId: string,
  round: number,
  nsPerCall: number,
  options: Synthetic = {},
): MicrobenchRaw {
  const { foreignCores = 0, tinyNs = nsPerCall, ...extra } = options;
  const ns = nsPerCall;
  const ms = tinyNs / 1e6;
  return {
    format: "perfgate-microbench-raw/1",
    suite: { id: "demo", title: "demo" },
    group: {
      id: "g",
      title: "group",
      baseline: "base",
      subject: "own",
      estimator: "median",
      gc: false,
    },
    case: { id: caseId, ops: 1000 },
    round,
    hashSeed: [11, 23, 37, 41, 53, 67][round] ?? 0,
    inputSeed: 1,
    node: "20.20.2",
    v8: "11.3",
    toolOrder: ["mitata", "tinybench"],
    mitata: {
      version: "1.0.34",
      stats: {
        min: ns,
        max: ns,
        avg: ns,
        p25: ns,
        p50: ns,
        p75: ns,
        p99: ns,
        ticks: 10,
        samples: [ns],
      },
      window: window(foreignCores),
    },
    tinybench: {
      version: "6.2.4",
      result: {
        latency: { min: ms, max: ms, mean: ms, p50: ms, p99: ms, sd: 0, rme: 0, samplesCount: 10 },
        period: ms,
        totalTime: 1,
      },
      window: window(),
    },
    facts: {},
    ...extra,
  };
}

const rounds = (caseId: string, ns: number[], options?: Synthetic) =>
  ns.map((v, r) => raw(caseId, r, v, options));

describe("normalizeMicrobench on a captured run", () => {
  it("matches the golden suites, warnings and table rows", () => {
    const result = normalizeMicrobench({ raws: captured(), tools: TOOLS });
    expectGolden("adapters/microbench-captured.json", `${JSON.stringify(result, null, 2)}\n`);
  });

  it("produces suites that pass the run-record schema", () => {
    const { suites, warnings } = normalizeMicrobench({ raws: captured(), tools: TOOLS });
    const run = parseRunResult(
      {
        schemaVersion: 1,
        runId: "20261125T000000Z_abcdef0",
        startedAt: "2026-11-25T00:00:00.000Z",
        finishedAt: "2026-11-25T00:03:00.000Z",
        status: "complete",
        profile: "quick",
        git: { sha: "a".repeat(40), shortSha: "aaaaaaa", ref: "main", dirty: false },
        env: {
          cpuModel: "x",
          cores: 2,
          memoryBytes: 1,
          os: "Linux",
          arch: "x64",
          node: "20.20.2",
          v8: "11.3",
          ci: false,
          tools: TOOLS,
          loadAvgBefore: [0, 0, 0],
        },
        suites,
        verdicts: [],
        warnings,
      },
      "test",
    );
    expect(run.suites.every((s) => s.kind === "microbench")).toBe(true);
  });
});

describe("normalizeMicrobench", () => {
  it("keeps per-process samples in round order and pairs ratios by round (same hash seed)", () => {
    const raws = [
      ...rounds("own", [100e3, 50e3, 100e3, 100e3, 100e3]),
      ...rounds("base", [200e3, 200e3, 100e3, 200e3, 200e3]),
    ].reverse();
    const { suites, rows } = normalizeMicrobench({ raws, tools: TOOLS });
    const metrics = suites[0]?.metrics ?? [];
    const own = metrics.find((m) => m.id === "g.own");
    expect(own?.samples).toEqual([1e7, 2e7, 1e7, 1e7, 1e7]);
    expect(own?.tags?.seeds).toBe("11,23,37,41,53");
    expect(own?.unit).toBe("ops/s");
    expect(own?.direction).toBe("higher");
    const ratio = metrics.find((m) => m.id === "g.own.vs.base");
    expect(ratio?.samples).toEqual([2, 4, 1, 2, 2]);
    expect(rows.find((r) => r.case === "own")?.ratio).toEqual({ median: 2, min: 1, max: 4 });
    expect(rows.map((r) => r.role)).toEqual(["subject", "baseline"]);
  });

  it("flags an optimized-out loop, a wide spread, foreign load and too few processes", () => {
    const raws = [
      ...rounds("own", [100, 100, 100, 100, 100]),
      ...rounds("base", [100e3, 300e3, 100e3, 300e3, 100e3]),
      ...rounds("peer", [100e3, 100e3], { foreignCores: 0.6 }),
    ];
    const { warnings, rows } = normalizeMicrobench({ raws, tools: TOOLS });
    const codes = (caseId: string) => rows.find((r) => r.case === caseId)?.warnings;
    expect(codes("own")).toEqual(["likely-optimized-out"]);
    expect(codes("base")).toEqual(["high-variance"]);
    expect(codes("peer")).toEqual(["too-few-samples", "foreign-load"]);
    expect(warnings.every((w) => w.suite === "demo" && w.metric?.startsWith("g."))).toBe(true);
    expect(warnings.find((w) => w.code === "foreign-load")?.message).toMatch(
      /2 of 2 processes .* 0\.60 cores/,
    );
  });

  it("flags calls shorter than 0.1 ms and tools that disagree", () => {
    const raws = [
      ...rounds("own", [50e3, 50e3, 50e3, 50e3, 50e3]),
      ...rounds("base", [200e3, 200e3, 200e3, 200e3, 200e3], { tinyNs: 100e3 }),
    ];
    const { rows, warnings } = normalizeMicrobench({ raws, tools: TOOLS });
    expect(rows.find((r) => r.case === "own")?.warnings).toEqual(["timer-saturated"]);
    expect(rows.find((r) => r.case === "base")?.toolRatio).toBeCloseTo(2);
    expect(warnings.find((w) => w.metric === "g.base")?.message).toMatch(/disagree by 100%/);
  });

  it("marks a suite errored when every process of a case failed, and interrupted runs", () => {
    const failures = [0, 1].map((round) => ({
      suite: "demo",
      group: "g",
      case: "peer",
      round,
      message: "setup exploded\nstack",
    }));
    const errored = normalizeMicrobench({
      raws: rounds("base", [1e5, 1e5, 1e5, 1e5, 1e5]),
      failures,
      tools: TOOLS,
    });
    expect(errored.suites[0]?.status).toBe("errored");
    expect(errored.suites[0]?.error).toBe("g/peer: every process failed (setup exploded)");
    const interrupted = normalizeMicrobench({
      raws: rounds("base", [1e5]),
      interrupted: true,
      tools: TOOLS,
    });
    expect(interrupted.suites[0]?.status).toBe("interrupted");
  });

  it("reports GC counts and fixed-work ratios for allocation-heavy groups", () => {
    const gcGroup = {
      id: "g",
      title: "group",
      baseline: "base",
      subject: "own",
      estimator: "mean" as const,
      gc: true,
    };
    const fixed = (calls: number, gcCount: number) => ({
      ...window(),
      calls,
      gc: { ...window().gc, count: gcCount, minor: gcCount, ms: 5 },
    });
    const raws = [
      ...rounds("own", [1e5, 1e5, 1e5, 1e5, 1e5], { group: gcGroup, fixedWork: fixed(500, 0) }),
      ...rounds("base", [5e5, 5e5, 5e5, 5e5, 5e5], { group: gcGroup, fixedWork: fixed(100, 20) }),
    ];
    const { rows, suites } = normalizeMicrobench({ raws, tools: TOOLS });
    const base = rows.find((r) => r.case === "base");
    expect(base?.gcPerMillionOps).toBe(200);
    expect(base?.gcTimePercent).toBe(10);
    expect(rows.find((r) => r.case === "own")?.fixedWorkRatio?.median).toBe(5);
    const ids = suites[0]?.metrics.map((m) => m.id) ?? [];
    expect(ids).toContain("g.own.fixed-work.vs.base");
    expect(ids).toContain("g.base.gc-per-mop");
  });
});
