import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diffHeapSnapshots, summarizeHeapSnapshot } from "../adapters/heap-snapshot.ts";
import { type MemoryRaw, type MemorySample, normalizeMemory } from "../adapters/memory.ts";
import { Verdict } from "../schema/index.ts";
import { judgeLeak } from "./leak.ts";

const fixtures = path.join(import.meta.dirname, "../../test/fixtures/raw");
const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(fixtures, file), "utf8"));
const suiteOf = (raw: MemoryRaw) => normalizeMemory({ id: "memory", raw }).suite;

const MB = 1024 * 1024;
/** Retained memory = base + slope·minutes + a fixed zig-zag of ±noise MB (or the given noise). */
function series(
  slopeMbPerMin: number,
  noiseMb: number | readonly number[],
  count = 30,
  intervalMs = 2000,
): MemoryRaw {
  const samples: MemorySample[] = Array.from({ length: count }, (_, i) => {
    const minutes = (i * intervalMs) / 60_000;
    const noise =
      typeof noiseMb === "number" ? (i % 2 === 0 ? noiseMb : -noiseMb) : (noiseMb[i] as number);
    const heap = 30 + slopeMbPerMin * minutes + noise;
    return {
      tMs: i * intervalMs,
      heapUsedAfterGc: heap * MB,
      rss: 400 * MB,
      arrayBuffers: 0,
      external: 0,
    };
  });
  return { intervalMs, samples };
}

describe("judgeLeak", () => {
  const growth = diffHeapSnapshots(
    summarizeHeapSnapshot(readJson("heap-snapshot/before.heapsnapshot")),
    summarizeHeapSnapshot(readJson("heap-snapshot/after.heapsnapshot")),
  );

  it("suspects a leak in the real capture of the leaking app and names what grew", () => {
    const verdict = judgeLeak(suiteOf(readJson("memory/leak-200k.json") as MemoryRaw), { growth });
    expect(Verdict.parse(verdict)).toEqual(verdict);
    expect(verdict).toMatchObject({
      suite: "memory",
      metric: "heap_slope",
      source: "memory",
      level: "error",
      status: "fail",
      label: "leak-suspected",
      actual: 270.1,
      rule: "heap_slope > 1 MB/min and its interval above 0",
    });
    expect(verdict.message).toBe(
      "leak suspected: retained memory grows 270.1 MB/min (95% CI 236.5 to 352.7) over the steady phase, above 1 MB/min; growing most between heap snapshots: system / JSArrayBufferData +4.9 kB (+1 objects), (closure) +56 B (+1 objects), (string) +40 B (+1 objects)",
    );
    expect(verdict.evidence).toMatchObject({
      ciLow: 236.5,
      ciHigh: 352.7,
      thresholdMbPerMin: 1,
      samples: 24,
      growth1: "system / JSArrayBufferData +4.9 kB (+1 objects)",
    });
  });

  it("passes a flat, noisy heap", () => {
    const verdict = judgeLeak(suiteOf(series(0, 0.5)));
    expect(verdict.status).toBe("pass");
    expect(verdict.label).toBeUndefined();
    expect(verdict.message).toMatch(/^no leak: retained memory grows /);
  });

  it("passes a significant growth below the threshold", () => {
    const verdict = judgeLeak(suiteOf(series(0.5, 0.01)), { thresholdMbPerMin: 1 });
    expect(verdict.evidence?.ciLow).toBeGreaterThan(0);
    expect(verdict).toMatchObject({ status: "pass", actual: 0.5 });
    expect(verdict.message).toMatch(/at most 1 MB\/min$/);
  });

  it("passes a steep but insignificant slope (interval reaches 0)", () => {
    // Over 20 s of steady phase, a 15 MB/min drift hides under irregular ±5 MB swings
    // (Theil-Sen slope 6, 95% interval -20 to 32.1, as scipy.stats.theilslopes).
    const noise = [0, 0, 0, 5, -4, 3, 1, -5, 4, -2, 2, 0, -3];
    const verdict = judgeLeak(suiteOf(series(15, noise, noise.length)));
    expect(verdict.actual).toBe(6);
    expect(verdict.evidence).toMatchObject({ ciLow: -20, ciHigh: 32.14 });
    expect(verdict.status).toBe("pass");
    expect(verdict.message).toMatch(/not significant/);
  });

  it("fires on a steady 5 MB/min growth at the configured threshold, without a diff", () => {
    const suite = suiteOf(series(5, 0.2));
    expect(judgeLeak(suite, { thresholdMbPerMin: 4 })).toMatchObject({
      status: "fail",
      label: "leak-suspected",
    });
    expect(judgeLeak(suite, { thresholdMbPerMin: 4 }).message).toMatch(
      /no heap snapshot diff available$/,
    );
    expect(judgeLeak(suite, { thresholdMbPerMin: 6 }).status).toBe("pass");
  });

  it("skips when the sampling was too short for a slope", () => {
    expect(judgeLeak(suiteOf(series(5, 0, 5)))).toMatchObject({
      status: "skip",
      metric: "heap_slope",
    });
  });
});
