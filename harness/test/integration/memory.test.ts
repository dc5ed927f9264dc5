import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemoryRaw } from "../../src/adapters/memory.ts";
import { type MemoryStageResult, startMemoryStage } from "../../src/pipeline/stages/memory.ts";
import { startAppProcess } from "../../src/runners/app.ts";
import type { Verdict } from "../../src/schema/index.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-memory-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * `count` paced loopback requests over a few product pages (so the app's caches are full after
 * the warm-up). Bounded by count, and by a deadline far beyond the pacing: on a busy machine the
 * requests come later, but they all come, so the stage sees the same traffic.
 */
async function traffic(baseUrl: string, count: number, perSecond: number): Promise<number> {
  const started = performance.now();
  const deadlineMs = (count / perSecond) * 1000 * 6;
  let sent = 0;
  while (sent < count && performance.now() - started < deadlineMs) {
    const wait = started + (sent * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const path = sent % 5 === 0 ? "/api/products?limit=20" : `/api/products/${1 + (sent % 20)}`;
    const response = await fetch(`${baseUrl}${path}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
    sent += 1;
  }
  return sent;
}

const LOAD_REQUESTS = 400;

/** The real app with the given leak, 50 warm-up requests, then the memory stage over 400 more. */
async function measure(leakBytes: number): Promise<{ stage: MemoryStageResult; rawDir: string }> {
  const rawDir = path.join(scratch, `leak-${leakBytes}`);
  const app = await startAppProcess({
    root,
    env: {
      PERFGATE_APP_DEBUG: "on",
      PERFGATE_APP_LEAK_BYTES: String(leakBytes),
      REDIS_URL: "off",
    },
  });
  try {
    await traffic(app.url, 50, 25);
    const memory = startMemoryStage({
      baseUrl: app.url,
      profile: { intervalMs: 500, thresholdMbPerMin: 1, snapshotAfterSeconds: 3.2 },
      rawDir,
      signal: new AbortController().signal,
      log: () => {},
    });
    const sent = await traffic(app.url, LOAD_REQUESTS, 25);
    expect(sent).toBe(LOAD_REQUESTS);
    return { stage: await memory.finish(), rawDir };
  } finally {
    await app.stop();
  }
}

function leakVerdict(stage: MemoryStageResult): Verdict {
  const verdict = stage.verdicts.find((v) => v.metric === "heap_slope");
  if (!verdict) throw new Error("the memory stage gave no leak verdict");
  return verdict;
}

describe("memory stage against the real app", () => {
  it("suspects a leak with PERFGATE_APP_LEAK_BYTES and names the growing buffers", async () => {
    const { stage, rawDir } = await measure(200_000);
    const verdict = leakVerdict(stage);
    expect(verdict).toMatchObject({ status: "fail", label: "leak-suspected", source: "memory" });
    // ~25 req/s × 200 kB is ~290 MB/min; the pacing may lag on a busy machine, never by 5×.
    expect(verdict.actual).toBeGreaterThan(50);
    expect(verdict.evidence?.ciLow).toBeGreaterThan(1);
    expect(String(verdict.evidence?.growth1)).toMatch(/ArrayBuffer|Buffer/);
    expect(verdict.message).toMatch(/growing most between heap snapshots: .*ArrayBuffer/);
    const raw = JSON.parse(
      await readFile(path.join(rawDir, "memory/samples.json"), "utf8"),
    ) as MemoryRaw;
    expect(raw.samples.length).toBeGreaterThanOrEqual(15);
    expect(stage.suite.metrics.map((m) => m.id)).toContain("rss_slope");
  });

  it("raises no leak verdict without the flag", async () => {
    const { stage } = await measure(0);
    const verdict = leakVerdict(stage);
    expect(stage.suite.metrics.find((m) => m.id === "heap_slope")).toBeDefined();
    expect(verdict.status).toBe("pass");
    expect(verdict.label).toBeUndefined();
    expect(stage.warnings.filter((w) => w.code === "http-errors")).toEqual([]);
  });
}, 300_000);
