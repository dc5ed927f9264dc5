import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { type MemoryRaw, type MemorySample, normalizeMemory, steadyPhase } from "./memory.ts";

// Real captures: the app with PERFGATE_APP_LEAK_BYTES=200000 under ~20 req/s, /debug/memory
// polled every 500 ms for 20 s (a heap snapshot was taken near the middle).
const load = (name: string): MemoryRaw =>
  JSON.parse(
    readFileSync(
      path.join(import.meta.dirname, "../../test/fixtures/raw/memory", `${name}.json`),
      "utf8",
    ),
  );

const MB = 1024 * 1024;
const sample = (tMs: number, heapMb: number, buffersMb = 0): MemorySample => ({
  tMs,
  heapUsedAfterGc: heapMb * MB,
  rss: (heapMb + buffersMb + 50) * MB,
  arrayBuffers: buffersMb * MB,
  external: buffersMb * MB,
});

describe("normalizeMemory", () => {
  it("matches the golden memory suite of a leaking app", () => {
    const result = normalizeMemory({ id: "memory", raw: load("leak-200k") });
    expectGolden("adapters/memory-leak-200k.json", `${JSON.stringify(result, null, 2)}\n`);
  });

  it("drops the first 20% of the samples as warm-up", () => {
    const raw = load("leak-200k");
    expect(raw.samples).toHaveLength(30);
    expect(steadyPhase(raw.samples)).toEqual(raw.samples.slice(6));
    const { suite } = normalizeMemory({ id: "memory", raw });
    expect(suite.meta).toMatchObject({ samples: 30, warmupSamples: 6 });
    expect(suite.metrics.find((m) => m.id === "samples")?.value).toBe(24);
  });

  it("fits the slope in MB per minute over heap plus ArrayBuffer stores", () => {
    // 10 samples a minute apart: heap +1 MB/min, buffers +2 MB/min, so retained grows 3 MB/min.
    const samples = Array.from({ length: 10 }, (_, i) => sample(i * 60_000, 20 + i, 5 + 2 * i));
    const { suite, warnings } = normalizeMemory({
      id: "memory",
      raw: { intervalMs: 60_000, samples },
    });
    expect(warnings).toEqual([]);
    const heap = suite.metrics.find((m) => m.id === "heap_slope");
    expect(heap).toMatchObject({ unit: "MB/min", direction: "lower", value: 3 });
    expect(heap?.tags).toMatchObject({ ci_low: "3", ci_high: "3", n: "8" });
    expect(suite.metrics.find((m) => m.id === "rss_slope")?.value).toBe(3);
    expect(suite.metrics.find((m) => m.id === "heap_after_gc")?.summary?.median).toBe(25.5);
  });

  it("gives no slope and says so when the steady phase is too short", () => {
    const samples = [0, 1, 2, 3, 4].map((i) => sample(i * 2000, 20));
    const { suite, warnings } = normalizeMemory({
      id: "memory",
      raw: { intervalMs: 2000, samples },
    });
    expect(suite.metrics.map((m) => m.id)).toEqual([
      "heap_after_gc",
      "array_buffers",
      "rss",
      "samples",
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: "too-few-samples", suite: "memory", metric: "heap_slope" }),
    ]);
  });

  it("keeps an empty sampling a valid suite", () => {
    const { suite } = normalizeMemory({
      id: "memory",
      raw: { intervalMs: 2000, samples: [] },
    });
    expect(suite.metrics).toEqual([
      { id: "samples", unit: "count", direction: "higher", value: 0 },
    ]);
  });
});
