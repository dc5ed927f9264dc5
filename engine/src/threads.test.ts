import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../test/run-script.ts";
import { engineCli } from "./cli.ts";
import type { EngineRunOptions } from "./run.ts";

let server: Server;
let baseUrl: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-threads-test-"));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

type Metrics = Record<string, Record<string, number>>;

async function run(name: string, source: string, extra: Partial<EngineRunOptions>) {
  const summaryExport = path.join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`);
  const { summary = {}, ...ran } = await runScript(dir, name, source, {
    baseUrl,
    summaryExport,
    ...extra,
  });
  return {
    ...ran,
    metrics: (summary.metrics ?? {}) as Metrics,
    groups: JSON.stringify(summary.root_group ?? {}),
  };
}

const count = (m: Metrics, name: string) => m[name]?.count ?? 0;

const SHARED = `import http from "k6/http";
import { check, group } from "k6";
import { Trend } from "k6/metrics";
const t = new Trend("custom_wait", true);
export const options = {
  scenarios: { s: { executor: "shared-iterations", vus: 4, iterations: 41 } },
  thresholds: { "http_req_duration{scenario:s}": ["p(95)<5000"], checks: ["rate>0.9"] },
};
export default async function () {
  await group("g", async () => {
    const res = await http.get(__ENV.BASE_URL + "/");
    check(res, { "is 200": (r) => r.status === 200 });
    t.add(res.timings.waiting);
  });
}`;

const ARRIVAL = `import http from "k6/http";
export const options = {
  scenarios: {
    a: { executor: "constant-arrival-rate", rate: 20, timeUnit: "1s", duration: "2s", preAllocatedVUs: 10 },
  },
};
export default async function () { await http.get(__ENV.BASE_URL + "/"); }`;

describe("execution segments and threads on a loopback server", () => {
  it("two segments of a run add up to the unsegmented run (shared-iterations, arrival-rate)", async () => {
    for (const [name, source, total] of [
      ["seg-shared", SHARED, 41],
      ["seg-arrival", ARRIVAL, 40],
    ] as const) {
      const whole = await run(name, source, { threads: 1 });
      expect(whole.code).toBe(0);
      const halves = [];
      for (const segment of ["0:1/2", "1/2:1"]) {
        halves.push(
          await run(name, source, {
            executionSegment: segment,
            executionSegmentSequence: "0,1/2,1",
          }),
        );
      }
      expect(halves.map((h) => h.code)).toEqual([0, 0]);
      // Every scheduled start either runs or is dropped (a loaded machine can stall the loop and
      // burst past the idle VUs), so started + dropped is exact whatever the load.
      const scheduled = (m: Metrics) => count(m, "iterations") + count(m, "dropped_iterations");
      const parts = halves.map((h) => scheduled(h.metrics));
      expect(scheduled(whole.metrics)).toBe(total);
      expect(parts[0]).toBe(Math.ceil(total / 2));
      expect(parts.reduce((a, b) => a + (b ?? 0), 0)).toBe(total);
    }
  }, 60_000);

  it("a 2-thread async run reports the same metrics and counts as the 1-thread run", async () => {
    const one = await run("threads-shared", SHARED, { threads: 1 });
    const two = await run("threads-shared", SHARED, { threads: 2 });
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(one.stdout).toContain("async mode, 1 thread)");
    expect(two.stdout).toContain("async mode, 2 threads)");
    expect(two.stdout).toContain("4 VUs multiplexed on 2 threads");
    expect(Object.keys(two.metrics).sort()).toEqual(Object.keys(one.metrics).sort());
    for (const name of ["iterations", "http_reqs"])
      expect([name, count(two.metrics, name), count(one.metrics, name)]).toEqual([name, 41, 41]);
    // Trends merged from both threads' histograms (the legacy export has no trend count).
    for (const name of ["custom_wait", "group_duration", "http_req_duration{scenario:s}"])
      expect(two.metrics[name]?.max).toBeGreaterThan(0);
    expect(two.metrics.checks).toMatchObject({ passes: 41, fails: 0 });
    // Checks inside group "g" merged from both threads' group trees.
    expect(two.groups).toMatch(/"name":"g".*"name":"is 200".*"passes":41,"fails":0/);
    expect(two.stdout).toMatch(/http_req_duration\{scenario:s\}/);

    const arrival = await run("threads-arrival", ARRIVAL, { threads: 2 });
    expect(arrival.code).toBe(0);
    expect(
      count(arrival.metrics, "iterations") + count(arrival.metrics, "dropped_iterations"),
    ).toBe(40);
  }, 60_000);

  it("abortOnFail stops every thread, judged on the merged metrics; exec.test.abort() exits 108", async () => {
    const failing = await run(
      "threads-abort-on-fail",
      `import http from "k6/http";
       export const options = {
         vus: 2, duration: "20s",
         thresholds: { http_req_failed: [{ threshold: "rate<0.5", abortOnFail: true }] },
       };
       export default async function () { await http.get(__ENV.BASE_URL + "/missing"); }`,
      { threads: 2 },
    );
    expect(failing.code).toBe(99);
    expect(failing.stderr).toContain("aborting (abortOnFail)");
    expect(failing.stdout).toContain("async mode, 2 threads");

    const aborted = await run(
      "threads-test-abort",
      `import http from "k6/http";
       import exec from "k6/execution";
       export const options = { vus: 2, duration: "20s" };
       export default async function () {
         await http.get(__ENV.BASE_URL + "/");
         if (exec.scenario.iterationInInstance > 3) exec.test.abort("enough");
       }`,
      { threads: 2 },
    );
    expect(aborted.code).toBe(108);
    expect(aborted.stderr).toContain("enough");
  }, 60_000);

  it("k6 run rejects bad segment flags with exit 104, naming the flag", async () => {
    for (const [flag, value] of [
      ["--execution-segment", "1/2:1/4"],
      ["--execution-segment-sequence", "0,abc,1"],
    ] as const) {
      let stderr = "";
      const io = {
        out: () => {},
        err: (text: string) => {
          stderr += text;
        },
        cwd: dir,
        env: {},
        signal: new AbortController().signal,
      };
      expect(await engineCli(["run", flag, value, "x.js"], io)).toBe(104);
      expect(stderr).toContain(flag);
    }
  });
});
