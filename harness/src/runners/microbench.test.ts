import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planSchedule, runMicrobench } from "./microbench.ts";

describe("planSchedule", () => {
  it("visits every case once per round, in orders that change between rounds", () => {
    const cases = ["a", "b", "c", "d", "e"];
    const plan = planSchedule(cases, 5);
    expect(plan).toHaveLength(25);
    const orders = [0, 1, 2, 3, 4].map((round) =>
      plan.filter((p) => p.round === round).map((p) => p.item),
    );
    for (const order of orders) expect([...order].sort()).toEqual(cases);
    expect(new Set(orders.map((o) => o.join(""))).size).toBe(5);
    // No case is first in every round.
    expect(new Set(orders.map((o) => o[0])).size).toBeGreaterThan(1);
    for (const p of plan) expect(cases[p.index]).toBe(p.item);
  });
});

// A tiny self-contained suite in a temp root: real worker processes, no mocks.
const SUITE = `
let sink = 0;
export default {
  id: "demo",
  title: "demo suite",
  groups: [
    {
      id: "sum",
      title: "sum an array",
      ops: 20000,
      baseline: "loop",
      subject: "reduce",
      cases: [
        { id: "loop", setup: ({ seed }) => {
          const xs = Array.from({ length: 20000 }, (_, i) => (i * seed) % 7);
          return { run: () => { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; sink += s; return s; },
                   facts: () => ({ seed }) };
        } },
        { id: "reduce", setup: () => {
          const xs = Array.from({ length: 20000 }, (_, i) => i % 7);
          return { run: () => xs.reduce((a, b) => a + b, 0) };
        } },
        { id: "broken", setup: () => { throw new Error("setup exploded on purpose"); } },
      ],
    },
    { id: "slow-one", title: "skipped unless slow groups run", ops: 1, baseline: "x", slow: true,
      cases: [{ id: "x", setup: () => ({ run: () => 1 }) }] },
  ],
};
`;

describe("runMicrobench", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "perfgate-microbench-"));
    await mkdir(path.join(root, "microbench"));
    await writeFile(path.join(root, "microbench", "demo.bench.ts"), SUITE);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("runs each case in fresh processes with paired seeds, writes raw first, reports failures", async () => {
    const rawDir = path.join(root, ".perf", "run", "raw", "microbench");
    const lines: string[] = [];
    const out = await runMicrobench({
      root,
      rawDir,
      buildDir: path.join(root, ".perf", "run", "build"),
      includeSlow: false,
      processes: 2,
      hashSeeds: [5, 9],
      inputSeed: 3,
      budgetMs: 5,
      warmupMs: 2,
      signal: new AbortController().signal,
      log: (line) => lines.push(line),
    });
    expect(out.interrupted).toBe(false);
    expect(out.raws.map((r) => `${r.case.id}:${r.round}:${r.hashSeed}`).sort()).toEqual([
      "loop:0:5",
      "loop:1:9",
      "reduce:0:5",
      "reduce:1:9",
    ]);
    expect(out.failures.map((f) => `${f.case}:${f.round}`).sort()).toEqual([
      "broken:0",
      "broken:1",
    ]);
    expect(out.failures[0]?.message).toMatch(/setup exploded on purpose/);
    const loop0 = out.raws.find((r) => r.case.id === "loop" && r.round === 0);
    expect(loop0?.facts).toEqual({ seed: 3 });
    expect(loop0?.mitata?.stats.p50).toBeGreaterThan(0);
    expect(loop0?.tinybench?.result.latency.p50).toBeGreaterThan(0);
    expect(loop0?.mitata?.window.calls).toBeGreaterThan(0);
    // Tool order alternates between processes so neither tool always runs on a fresher heap.
    expect(new Set(out.raws.map((r) => r.toolOrder.join(","))).size).toBe(2);
    const files = (await readdir(path.join(rawDir, "demo", "sum"))).sort();
    expect(files).toEqual(["loop.r0.json", "loop.r1.json", "reduce.r0.json", "reduce.r1.json"]);
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l.includes("failed: "))).toHaveLength(2);
  });

  it("runs only the requested rounds, with their own hash seeds", async () => {
    const out = await runMicrobench({
      root,
      rawDir: path.join(root, "rounds"),
      buildDir: path.join(root, "rounds-build"),
      includeSlow: false,
      processes: 1,
      rounds: [1],
      hashSeeds: [5, 9],
      budgetMs: 2,
      warmupMs: 1,
      signal: new AbortController().signal,
      log: () => {},
    });
    expect(out.raws.map((r) => `${r.case.id}:${r.round}:${r.hashSeed}`).sort()).toEqual([
      "loop:1:9",
      "reduce:1:9",
    ]);
  });

  it("starts nothing once aborted and reports the run as interrupted", async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await runMicrobench({
      root,
      rawDir: path.join(root, "aborted"),
      buildDir: path.join(root, "aborted-build"),
      includeSlow: true,
      processes: 1,
      budgetMs: 1,
      warmupMs: 1,
      signal: controller.signal,
      log: () => {},
    });
    expect(out).toMatchObject({ raws: [], failures: [], interrupted: true });
  });

  it("names an unknown suite and lists the known ones", async () => {
    await expect(
      runMicrobench({
        root,
        rawDir: path.join(root, "unused"),
        buildDir: path.join(root, "unused-build"),
        suites: ["nope"],
        includeSlow: false,
        processes: 1,
        budgetMs: 1,
        warmupMs: 1,
        signal: new AbortController().signal,
        log: () => {},
      }),
    ).rejects.toThrow(/unknown suite "nope"/);
  });
});
