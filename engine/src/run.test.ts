import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../test/run-script.ts";
import type { EngineRunOptions } from "./run.ts";

let server: Server;
let baseUrl: string;
let dir: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    if (req.url === "/slow") {
      setTimeout(() => res.end("slow"), 30);
      return;
    }
    res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, items: [1, 2, 3] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-engine-test-"));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function run(name: string, source: string, extra: Partial<EngineRunOptions> = {}) {
  return runScript(dir, name, source, { baseUrl, ...extra });
}

describe("engine runs on a loopback server", () => {
  it("shared-iterations runs exactly the iterations, with k6 metric names and checks", async () => {
    hits = 0;
    const { code, summary } = await run(
      "shared",
      `import http from "k6/http"; import { check, group } from "k6";
       export const options = { vus: 3, iterations: 12, thresholds: { http_req_failed: ["rate<0.01"], "http_reqs{name:items}": ["count==12"] } };
       export default async function () {
         await group("browse", async () => {
           const res = await http.get(__ENV.BASE_URL + "/items?id=" + __ITER, { tags: { name: "items" } });
           check(res, { "is 200": (r) => r.status === 200, "has items": (r) => r.json("items.#") === 3 });
         });
       }`,
    );
    expect(code).toBe(0);
    expect(hits).toBe(12);
    expect(summary.metrics.iterations.count).toBe(12);
    expect(summary.metrics.http_reqs.count).toBe(12);
    expect(summary.metrics["http_reqs{name:items}"].thresholds).toEqual({ "count==12": false });
    expect(summary.metrics.checks).toMatchObject({ passes: 24, fails: 0, value: 1 });
    expect(summary.root_group.groups.browse.checks["is 200"].passes).toBe(12);
    expect(summary.root_group.groups.browse.path).toBe("::browse");
    // k6: group id = md5 of its path.
    expect(summary.root_group.id).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(Object.keys(summary.metrics)).toEqual(
      expect.arrayContaining([
        "http_req_duration",
        "http_req_waiting",
        "iteration_duration",
        "group_duration",
        "data_received",
      ]),
    );
  });

  it("exits 99 when a threshold fails and marks it failed (true) in the export", async () => {
    const { code, summary, stdout } = await run(
      "fail",
      `import http from "k6/http";
       export const options = { iterations: 2, thresholds: { http_req_failed: ["rate<0.01"] } };
       export default async function () { await http.get(__ENV.BASE_URL + "/missing"); }`,
    );
    expect(code).toBe(99);
    expect(summary.metrics.http_req_failed.thresholds).toEqual({ "rate<0.01": true });
    expect(stdout).toMatch(/✗ http_req_failed/);
  });

  it("constant-arrival-rate starts rate × duration iterations on schedule and records schedule_lag", async () => {
    hits = 0;
    const { code, summary } = await run(
      "car",
      `import http from "k6/http";
       export const options = { scenarios: { car: { executor: "constant-arrival-rate", rate: 50, timeUnit: "1s", duration: "2s", preAllocatedVUs: 20, maxVUs: 20 } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); }`,
      { trendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"] },
    );
    expect(code).toBe(0);
    expect(summary.metrics.iterations.count).toBeGreaterThanOrEqual(99);
    expect(summary.metrics.iterations.count).toBeLessThanOrEqual(101);
    expect(summary.metrics.schedule_lag.count).toBe(summary.metrics.iterations.count);
    expect(summary.metrics.dropped_iterations).toBeUndefined();
  });

  it("drops (never queues) arrivals when every VU is busy", async () => {
    const { summary } = await run(
      "drop",
      `import http from "k6/http";
       export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 100, timeUnit: "1s", duration: "1s", preAllocatedVUs: 1, maxVUs: 1 } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/slow"); }`,
    );
    expect(summary.metrics.dropped_iterations.count).toBeGreaterThan(50);
    expect(
      summary.metrics.iterations.count + summary.metrics.dropped_iterations.count,
    ).toBeGreaterThanOrEqual(99);
  });

  it("runs setup once, hands its data to every iteration, then teardown, then handleSummary", async () => {
    const out = path.join(dir, "handle-summary.json");
    const { code, stdout } = await run(
      "lifecycle",
      `export const options = { vus: 2, iterations: 4 };
       export function setup() { return { token: "t-" + __VU }; }
       export default function (data) { if (data.token !== "t-0") throw new Error("bad data"); }
       export function teardown(data) { console.log("teardown " + data.token); }
       export function handleSummary(data) { return { stdout: "iterations=" + data.metrics.iterations.values.count + "\\n", ${JSON.stringify(out)}: JSON.stringify(data) }; }`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain("iterations=4");
    const data = JSON.parse(await readFile(out, "utf8"));
    expect(data.setup_data).toEqual({ token: "t-0" });
    expect(data.metrics.iterations).toMatchObject({ type: "counter", contains: "default" });
    expect(data.options.summaryTrendStats).toEqual(["avg", "min", "med", "max", "p(90)", "p(95)"]);
  });

  it("bad options exit 104 listing every problem; a syntax error exits 107", async () => {
    const bad = await run(
      "bad",
      `export const options = { duration: "10s", stages: [{ duration: "1s", target: 1 }], thresholds: { nope: ["p(95)<1"] } }; export default function () {}`,
    );
    expect(bad.code).toBe(104);
    expect(bad.stderr).toContain(
      "using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed",
    );
    expect(bad.stderr).toContain('thresholds["nope"]');
    const syntax = await run("syntax", "export default function ( {");
    expect(syntax.code).toBe(107);
    expect(syntax.stderr).toMatch(/script error: .*syntax\.js:1:/);
  });

  it("an aborted run exits 105 and still writes its summary", async () => {
    const controller = new AbortController();
    // Abort once iterations are running (VU threads take a while to start), not after a fixed delay.
    const before = hits;
    const poll = setInterval(() => {
      if (hits >= before + 5) controller.abort();
    }, 10);
    const { code } = await run(
      "abort",
      `import http from "k6/http";
       export const options = { vus: 2, duration: "30s" };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); }`,
      { signal: controller.signal },
    );
    clearInterval(poll);
    expect(code).toBe(105);
    expect(
      JSON.parse(await readFile(path.join(dir, "abort.summary.json"), "utf8")).metrics.iterations
        .count,
    ).toBeGreaterThan(0);
  });
});
