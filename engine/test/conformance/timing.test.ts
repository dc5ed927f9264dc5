import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../run-script.ts";
import { type Loopback, startLoopback } from "./loopback.ts";

/**
 * Executor timing on a real loopback server (reference §3.12 items 2, 3, 4, 5, 7): async-style
 * scripts so many VUs share one thread and the runs stay short. The server stamps each request
 * with its arrival time, so schedules are checked from the outside.
 */
// Real k6 v0.48.0 outputs, copied into the repository: a clean clone has nothing beside it.
const FIXTURES = path.join(import.meta.dirname, "../fixtures/k6-v0.48.0");

let server: Loopback;
let baseUrl: string;
let dir: string;
let arrivals: { at: number; url: string }[] = [];

beforeAll(async () => {
  server = await startLoopback((req) => {
    arrivals.push({ at: performance.now(), url: req.url ?? "" });
    return { status: req.url?.startsWith("/missing") ? 404 : 200 };
  });
  baseUrl = server.baseUrl;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-k6-timing-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Point {
  type: string;
  metric: string;
  data: { time?: string; value: number; tags: Record<string, string>; name?: string };
}

/** Runs a script on the engine with `--summary-export` and `--out json`; returns both. */
async function run(name: string, source: string) {
  arrivals = [];
  const outJson = path.join(dir, `${name}.ndjson`);
  const { code, stderr, summary } = await runScript(dir, name, source, { baseUrl, outJson });
  const metrics = summary.metrics as Record<string, Record<string, number>>;
  const lines = (await readFile(outJson, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Point);
  const count = (metric: string) => metrics[metric]?.count ?? 0;
  const seconds = count("iterations") / (metrics.iterations?.rate ?? 1);
  return { code, stderr, metrics, lines, count, seconds, requests: [...arrivals] };
}

const points = (lines: Point[], metric: string) =>
  lines.filter((l) => l.type === "Point" && l.metric === metric);

describe("§3.12 item 2: shared-iterations", () => {
  it("10 VUs, 100 iterations of ~10 ms: exactly 100 iterations, none dropped", async () => {
    const r = await run(
      "si-100",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: { s: { executor: "shared-iterations", vus: 10, iterations: 100 } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); await sleep(0.01); }`,
    );
    expect(r.code).toBe(0);
    expect(r.count("iterations")).toBe(100);
    expect(r.requests).toHaveLength(100);
    expect(r.metrics.dropped_iterations).toBeUndefined();
  });

  it("maxDuration 1s with 200 ms iterations: dropped = 100 − attempted, emitted once", async () => {
    const r = await run(
      "si-drop",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: { s: { executor: "shared-iterations", vus: 10, iterations: 100, maxDuration: "1s" } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); await sleep(0.2); }`,
    );
    expect(r.code).toBe(0);
    // Attempted iterations all finish inside gracefulStop (30s), so attempted = iterations.
    expect(r.count("iterations")).toBe(r.requests.length);
    expect(r.count("iterations")).toBeLessThan(100);
    expect(r.count("dropped_iterations")).toBe(100 - r.count("iterations"));
    const dropped = points(r.lines, "dropped_iterations");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.data.tags.scenario).toBe("s");
  });
});

describe("§3.12 item 3: per-vu-iterations", () => {
  it("maxDuration cuts each VU short: one dropped sample per VU, tagged with its vu", async () => {
    const r = await run(
      "pv-drop",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: { p: { executor: "per-vu-iterations", vus: 3, iterations: 10, maxDuration: "1s" } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); await sleep(0.2); }`,
    );
    expect(r.code).toBe(0);
    const dropped = points(r.lines, "dropped_iterations");
    expect(dropped.map((p) => p.data.tags.vu).sort()).toEqual(["1", "2", "3"]);
    expect(dropped.every((p) => p.data.tags.scenario === "p")).toBe(true);
    expect(r.count("iterations") + r.count("dropped_iterations")).toBe(30);
    for (const p of dropped) expect(p.data.value).toBeGreaterThan(0);
  });
});

describe("§3.12 item 4: ramping-vus on the clock", () => {
  it("0 -> 2 -> 0 VUs over 2 s: VU 2 joins at ~0.5 s after VU 1 and leaves first", async () => {
    const r = await run(
      "rv-clock",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: { r: { executor: "ramping-vus", startVUs: 0, gracefulRampDown: "0s",
         stages: [{ duration: "1s", target: 2 }, { duration: "1s", target: 0 }] } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/?vu=" + __VU); await sleep(0.05); }`,
    );
    expect(r.code).toBe(0);
    const byVu = (vu: string) => r.requests.filter((q) => q.url === `/?vu=${vu}`).map((q) => q.at);
    const [first, second] = [byVu("1"), byVu("2")];
    const t0 = first[0] as number;
    // Raw steps: VU 1 at 0.5 s, VU 2 at 1 s, VU 2 stops at 1.5 s, VU 1 at 2 s.
    expect((second[0] as number) - t0).toBeGreaterThan(300);
    expect((second[0] as number) - t0).toBeLessThan(800);
    expect((second.at(-1) as number) - t0).toBeLessThan(1200);
    expect((first.at(-1) as number) - t0).toBeGreaterThan(1200);
    expect((first.at(-1) as number) - t0).toBeLessThan(1800);
    expect(r.metrics.dropped_iterations).toBeUndefined();
  });
});

describe("ramping-vus gracefulRampDown (§3.4.4)", () => {
  const source = (
    gracefulRampDown: string,
  ) => `import http from "k6/http"; import { sleep } from "k6";
    export const options = { scenarios: { r: { executor: "ramping-vus", startVUs: 2, gracefulRampDown: "${gracefulRampDown}",
      stages: [{ duration: "500ms", target: 2 }, { duration: "0s", target: 1 }, { duration: "2s", target: 1 }] } } };
    export default async function () {
      if (__VU === 2) { await sleep(1.2); await http.get(__ENV.BASE_URL + "/late"); return; }
      await http.get(__ENV.BASE_URL + "/quick"); await sleep(0.1);
    }`;

  it("a VU ramped down mid-iteration is interrupted gracefulRampDown later: nothing more from it", async () => {
    const r = await run("ramp-down-cut", source("200ms"));
    expect(r.code).toBe(0);
    expect(r.requests.filter((q) => q.url === "/late")).toHaveLength(0);
    // Only VU 1's iterations count.
    expect(r.count("iterations")).toBe(r.requests.filter((q) => q.url === "/quick").length);
  });

  it("within gracefulRampDown the ramped-down VU finishes its iteration, then starts no other", async () => {
    const r = await run("ramp-down-finish", source("30s"));
    expect(r.code).toBe(0);
    expect(r.requests.filter((q) => q.url === "/late")).toHaveLength(1);
    expect(r.count("iterations")).toBe(r.requests.length);
  });
});

describe("§3.12 item 5: constant-arrival-rate", () => {
  it("rate 10/s for 3 s on 1 VU with 250 ms iterations: starts ≈ 30, the rest dropped", async () => {
    const r = await run(
      "car-1vu",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: { c: { executor: "constant-arrival-rate", rate: 10, timeUnit: "1s", duration: "3s", preAllocatedVUs: 1, maxVUs: 1 } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); await sleep(0.25); }`,
    );
    expect(r.code).toBe(0);
    const started = r.count("iterations") + r.count("dropped_iterations");
    expect(started).toBeGreaterThanOrEqual(29);
    expect(started).toBeLessThanOrEqual(31);
    // One VU busy 250 ms takes every third 100 ms slot: about 10 iterations.
    expect(r.count("iterations")).toBeGreaterThanOrEqual(6);
    expect(r.count("iterations")).toBeLessThanOrEqual(11);
    expect(r.count("dropped_iterations")).toBeGreaterThan(15);
    expect(r.stderr).toContain("Insufficient VUs, reached 1 active VUs");
  });

  it("the first start is at t = 0 (not after one period)", async () => {
    // A 2 s period: an off-by-one start would come 2 s after the marker scenario's iteration.
    const r = await run(
      "car-first",
      `import http from "k6/http";
       export const options = { scenarios: {
         marker: { executor: "per-vu-iterations", vus: 1, iterations: 1, exec: "marker" },
         c: { executor: "constant-arrival-rate", rate: 1, timeUnit: "2s", duration: "2s", preAllocatedVUs: 1 } } };
       export function marker() { return http.get(__ENV.BASE_URL + "/marker"); }
       export default async function () { await http.get(__ENV.BASE_URL + "/arrival"); }`,
    );
    expect(r.code).toBe(0);
    const at = (url: string) => r.requests.find((q) => q.url === url)?.at as number;
    expect(Math.abs(at("/arrival") - at("/marker"))).toBeLessThan(1000);
    expect(r.count("iterations")).toBe(2);
  });
});

describe("§3.3 common scenario options on the clock", () => {
  it("startTime delays a scenario; exec picks its function; tags land on its samples", async () => {
    const r = await run(
      "start-time",
      `import http from "k6/http";
       export const options = { scenarios: {
         early: { executor: "per-vu-iterations", vus: 1, iterations: 1, exec: "early" },
         late: { executor: "per-vu-iterations", vus: 1, iterations: 1, exec: "late", startTime: "1s", tags: { phase: "two" } } } };
       export async function early() { await http.get(__ENV.BASE_URL + "/early"); }
       export async function late() { await http.get(__ENV.BASE_URL + "/late"); }`,
    );
    expect(r.code).toBe(0);
    const at = (url: string) => r.requests.find((q) => q.url === url)?.at as number;
    expect(at("/late") - at("/early")).toBeGreaterThanOrEqual(900);
    expect(at("/late") - at("/early")).toBeLessThan(2500);
    const late = points(r.lines, "http_reqs").find((p) => p.data.tags.url?.endsWith("/late"));
    expect(late?.data.tags).toMatchObject({ scenario: "late", phase: "two" });
  });

  it("gracefulStop: an iteration still running at duration + gracefulStop is interrupted, not counted", async () => {
    const r = await run(
      "graceful-stop",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { scenarios: {
         slow: { executor: "constant-vus", vus: 1, duration: "1s", gracefulStop: "0s", exec: "slow" },
         quick: { executor: "constant-vus", vus: 1, duration: "3s", exec: "quick" } } };
       export async function slow() { await sleep(2); await http.get(__ENV.BASE_URL + "/slow-done"); }
       export async function quick() { await http.get(__ENV.BASE_URL + "/quick"); await sleep(0.2); }`,
    );
    expect(r.code).toBe(0);
    // k6 cancels the interrupted iteration: no iteration sample, no request after the stop.
    const slow = points(r.lines, "iterations").filter((p) => p.data.tags.scenario === "slow");
    expect(slow).toHaveLength(0);
    expect(r.requests.filter((q) => q.url === "/slow-done")).toHaveLength(0);
  });
});

describe("§3.12 item 7: thresholds while the test runs", () => {
  it("abortOnFail waits for delayAbortEval: a failing threshold with a 10 s delay lets a 2 s test finish", async () => {
    const r = await run(
      "delay",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { vus: 1, duration: "2s",
         thresholds: { http_req_failed: [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: "10s" }] } };
       export default async function () { await http.get(__ENV.BASE_URL + "/missing"); await sleep(0.1); }`,
    );
    expect(r.code).toBe(99);
    expect(r.seconds).toBeGreaterThanOrEqual(2);
    expect(r.stderr).not.toContain("aborting");
  });

  it("the final evaluation decides: crossed while delayAbortEval held it, passing at the end -> exit 0", async () => {
    const r = await run(
      "recovers",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { vus: 1, duration: "4s",
         thresholds: { http_req_failed: [{ threshold: "rate<0.5", abortOnFail: true, delayAbortEval: "10s" }] } };
       export default async function () {
         if (__ITER < 3) { await http.get(__ENV.BASE_URL + "/missing"); await sleep(0.5); return; }
         await http.get(__ENV.BASE_URL + "/"); await sleep(0.01);
       }`,
    );
    expect(r.count("http_reqs")).toBeGreaterThan(10);
    expect(r.metrics.http_req_failed?.thresholds).toEqual({ "rate<0.5": false });
    expect(r.code).toBe(0);
  });

  it("during the run, empty sinks are skipped: no abort before a metric has samples", async () => {
    // At the end an empty trend's min is 0 (k6), so "min>0" fails then, but must not abort.
    const r = await run(
      "empty-during",
      `import http from "k6/http"; import { sleep } from "k6"; import { Trend, Counter } from "k6/metrics";
       const late = new Trend("late_trend"); const never = new Counter("never_counted");
       export const options = { vus: 1, duration: "2s", thresholds: {
         late_trend: [{ threshold: "min>0", abortOnFail: true }],
         never_counted: [{ threshold: "count>0", abortOnFail: true }] } };
       export default async function () {
         await http.get(__ENV.BASE_URL + "/"); await sleep(0.1);
         if (__ITER >= 14) late.add(5);
       }`,
    );
    expect(r.stderr).not.toContain("aborting");
    expect(r.seconds).toBeGreaterThanOrEqual(2);
    // never_counted stays empty: its count is 0 at the end, so the run fails (99).
    expect(r.code).toBe(99);
    expect(r.metrics.late_trend?.thresholds).toEqual({ "min>0": false });
  });

  it("abortOnFail without delay stops the run at the first evaluation (2 s), still exit 99", async () => {
    const r = await run(
      "abort",
      `import http from "k6/http"; import { sleep } from "k6";
       export const options = { vus: 1, duration: "20s",
         thresholds: { http_req_failed: [{ threshold: "rate<0.01", abortOnFail: true }] } };
       export default async function () { await http.get(__ENV.BASE_URL + "/missing"); await sleep(0.1); }`,
    );
    expect(r.code).toBe(99);
    // k6 evaluates every 2 s (thresholdsRate): the first evaluation is the one that aborts.
    expect(r.seconds).toBeGreaterThanOrEqual(1.9);
    expect(r.seconds).toBeLessThan(5);
    expect(r.stderr).toContain("thresholds on metrics 'http_req_failed' have been crossed");
  });
});

describe("§3.12 item 8: --out json has k6's line shapes", () => {
  it("Metric lines before the first Point of each metric, with k6 v0.48.0's keys", async () => {
    const r = await run(
      "ndjson",
      `import http from "k6/http";
       export const options = { iterations: 3, thresholds: { http_req_duration: ["p(95)<5000"] } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); }`,
    );
    const k6 = readFileSync(path.join(FIXTURES, "out-json.first200.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Point & { data: Record<string, unknown> });
    const keys = (o: object) => Object.keys(o).sort();
    const k6Metric = k6.find((l) => l.type === "Metric") as Point;
    const k6Point = k6.find((l) => l.type === "Point") as Point;
    const ours = r.lines.find((l) => l.type === "Metric") as Point;
    const ourPoint = r.lines.find((l) => l.type === "Point") as Point;
    expect(keys(ours)).toEqual(keys(k6Metric));
    expect(keys(ours.data)).toEqual(keys(k6Metric.data));
    expect(keys(ourPoint)).toEqual(keys(k6Point));
    expect(keys(ourPoint.data)).toEqual(keys(k6Point.data));
    const announced = new Set<string>();
    for (const line of r.lines) {
      if (line.type === "Metric") announced.add(line.metric);
      else expect(announced.has(line.metric), line.metric).toBe(true);
    }
    const request = points(r.lines, "http_reqs")[0];
    const k6Request = k6.find((l) => l.type === "Point" && l.metric === "http_reqs") as Point;
    expect(keys(request?.data.tags ?? {})).toEqual(keys(k6Request.data.tags));
  });
});
