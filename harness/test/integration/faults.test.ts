import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FaultEvent,
  type RequestSample,
  requestSampleOf,
} from "../../src/adapters/fault-timeline.ts";
import { loadConfig } from "../../src/config/load.ts";
import { toLoadProfile } from "../../src/config/profile.ts";
import { runLoadPipeline } from "../../src/pipeline/load.ts";
import type { LoadProfile } from "../../src/pipeline/profiles.ts";
import { detectRedis } from "../../src/runners/tools.ts";
import type { RunResult, Suite } from "../../src/schema/index.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const redis = await detectRedis();
const THUMBNAIL = "GET /api/products/:id/thumbnail";

/**
 * The faults profile at 25 requests/s, with a 200 ms database delay and loose recovery limits:
 * the outcomes are asserted here, not how fast a busy CI machine recovers.
 */
const configured = toLoadProfile(
  (await loadConfig(path.join(root, "perfgate.config.ts"))).config.profiles.faults as NonNullable<
    Parameters<typeof toLoadProfile>[0]
  >,
);
const defaults = configured.faults as NonNullable<LoadProfile["faults"]>;
const profile: LoadProfile = {
  ...configured,
  faults: {
    ...defaults,
    vars: { FAULTS_RATE: "25" },
    schedule: defaults.schedule.map((plan) =>
      plan.kind === "slow-db" ? { ...plan, delayMs: 200 } : plan,
    ),
    recoveryLimitSeconds: {
      "redis-kill": 30,
      "worker-crash": 30,
      "slow-db": 30,
      "app-restart": 60,
    },
    appEnv: { PERFGATE_APP_WORKERS: "2" },
  },
};

let scratch: string;
let run: RunResult;
let rawDir: string;
let events: FaultEvent[];
let samples: RequestSample[];
const log: string[] = [];

async function readSamples(file: string): Promise<RequestSample[]> {
  const found: RequestSample[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const sample = requestSampleOf(line);
    if (sample) found.push(sample);
  }
  return found;
}

beforeAll(async () => {
  if (!redis.path) return;
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-faults-"));
  const result = await runLoadPipeline({
    root,
    profileName: "faults",
    profile,
    perfDir: scratch,
    env: { ...process.env, PERFGATE_ENGINE: "builtin" },
    signal: new AbortController().signal,
    log: (line) => log.push(line),
  });
  run = result.run;
  rawDir = result.rawDir;
  events = JSON.parse(await readFile(path.join(rawDir, "faults", "events.json"), "utf8"));
  samples = await readSamples(path.join(rawDir, "k6", "faults", "samples.ndjson"));
}, 200_000);
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function faultsSuite(): Suite {
  const suite = run.suites.find((s) => s.kind === "faults");
  if (!suite) throw new Error(`no faults suite; log:\n${log.join("\n")}`);
  return suite;
}

function value(id: string): number | undefined {
  return faultsSuite().metrics.find((m) => m.id === id)?.value;
}

function event(id: string): FaultEvent {
  const found = events.find((e) => e.id === id);
  if (!found) throw new Error(`no event ${id}`);
  return found;
}

/** Requests that finished in a fault's window (its injection to the next fault's). */
function inWindow(id: string): RequestSample[] {
  const index = events.findIndex((e) => e.id === id);
  const from = events[index]?.injectedAtMs ?? 0;
  const to = events[index + 1]?.injectedAtMs ?? Number.POSITIVE_INFINITY;
  return samples.filter((s) => s.timeMs >= from && s.timeMs < to);
}

describe.skipIf(!redis.path)("faults profile against the real app, redis-server and engine", () => {
  it("injects every fault and records it, in order, with the run complete", () => {
    expect(run.status).toBe("complete");
    expect(events.map((e) => [e.id, e.step, e.message])).toEqual([
      ["redis-kill", "ok", undefined],
      ["worker-crash", "ok", undefined],
      ["slow-db", "ok", undefined],
      ["app-restart", "ok", undefined],
    ]);
    expect(faultsSuite().meta).toMatchObject({
      "redis-kill.step": "ok",
      "app-restart.step": "ok",
    });
    const verdicts = run.verdicts.filter((v) => v.source === "fault");
    expect(verdicts.map((v) => v.metric)).toEqual([
      "redis-kill.recovery",
      "worker-crash.recovery",
      "slow-db.recovery",
      "app-restart.recovery",
    ]);
    expect(samples.length).toBeGreaterThan(1000);
    // Every error is a fault's: the read mix asks only for products the app seeded.
    expect(samples.filter((s) => s.status === 404)).toEqual([]);
  });

  it("Redis killed: the app reads through to the database (no 5xx) and its tier comes back up", () => {
    expect(value("redis-kill.requests")).toBeGreaterThan(100);
    expect(value("redis-kill.errors_5xx")).toBeLessThanOrEqual(2);
    expect(event("redis-kill").facts).toMatchObject({ redisStateAfter: "up" });
    expect(value("redis-kill.recovery")).toBeDefined();
  });

  it("worker crash: only the crashing task fails (503); thumbnails keep being served", () => {
    const facts = event("worker-crash").facts ?? {};
    expect(facts.crashStatus).toBe(503);
    expect(facts.poolCrashed).toBe(1);
    expect(facts.poolThreads).toBe(2);
    const thumbnails = inWindow("worker-crash").filter((s) => s.name === THUMBNAIL);
    // Piscina runs one task per thread, so the thread that died held the crash task alone:
    // no thumbnail in flight was lost, and those after the crash were rendered.
    expect(thumbnails.filter((s) => s.status >= 500)).toEqual([]);
    const cleared = event("worker-crash").clearedAtMs;
    expect(thumbnails.filter((s) => s.timeMs > cleared && s.status === 200).length).toBeGreaterThan(
      5,
    );
    expect(value("worker-crash.errors_5xx")).toBe(0);
  });

  it("slow database: every read that must reach the database waits out the delay, then recovers", () => {
    const slow = defaults.schedule.find((plan) => plan.kind === "slow-db");
    if (slow?.kind !== "slow-db") throw new Error("the profile has no slow-db fault");
    const { injectedAtMs, clearedAtMs } = event("slow-db");
    // A product page asked for the first time in the run is in no cache tier: it is a database
    // read. The delay is a sleep before each query, so a lower bound however busy the machine:
    // every such read that started and ended while the delay was on took at least 200 ms.
    const seen = new Set<string>();
    const misses: RequestSample[] = [];
    for (const sample of [...samples].sort(
      (a, b) => a.timeMs - a.durationMs - (b.timeMs - b.durationMs),
    )) {
      if (sample.name !== "GET /api/products/:id" || !sample.url || seen.has(sample.url)) continue;
      seen.add(sample.url);
      const startedMs = sample.timeMs - sample.durationMs;
      if (sample.ok && startedMs > injectedAtMs + 100 && sample.timeMs < clearedAtMs - 100)
        misses.push(sample);
    }
    expect(misses.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...misses.map((s) => s.durationMs))).toBeGreaterThanOrEqual(slow.delayMs - 1);
    expect(value("slow-db.errors_5xx")).toBe(0);
    // Recovery counts from the injection, so it includes the window the delay was on.
    expect(value("slow-db.recovery")).toBeGreaterThanOrEqual(slow.forSeconds);
  });

  it("app restart: connection errors spike while it is down, on the same port, then it recovers", () => {
    expect(event("app-restart").facts).toMatchObject({ sameUrl: true });
    expect(value("app-restart.errors_no_response")).toBeGreaterThan(0);
    expect(value("app-restart.peak_error_rate")).toBeGreaterThanOrEqual(0.5);
    const recovery = value("app-restart.recovery");
    expect(recovery).toBeDefined();
    expect(Number.isFinite(recovery)).toBe(true);
    // Recovery counts from the stop, so it includes the app's own restart.
    const restartSeconds =
      (event("app-restart").clearedAtMs - event("app-restart").injectedAtMs) / 1000;
    expect(recovery).toBeGreaterThanOrEqual(Math.floor(restartSeconds));
  });
});

describe("faults profile input", () => {
  it("refuses --base-url: it must own the app it restarts", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-faults-usage-"));
    try {
      await expect(
        runLoadPipeline({
          root,
          profileName: "faults",
          profile,
          perfDir: dir,
          baseUrl: "http://127.0.0.1:9",
          signal: new AbortController().signal,
          log: () => {},
        }),
      ).rejects.toMatchObject({ code: "E_USAGE", message: expect.stringMatching(/--base-url/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
