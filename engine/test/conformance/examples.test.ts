import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rampingArrivalStarts } from "../../src/options.ts";
import { k6Cli, type Loopback, startLoopback } from "./loopback.ts";

/**
 * k6-documentation-shaped scripts (examples/*.js) run unmodified through `perfgate k6 run`
 * against a loopback server; the only thing that differs from a docs example is the target
 * URL, read from `__ENV.BASE_URL`. Each test asserts what k6 would report for that example.
 */
const EXAMPLES = path.join(import.meta.dirname, "examples");
const LOCAL_FIXTURES = path.join(import.meta.dirname, "../fixtures/k6-v0.48.0");

let server: Loopback;
let baseUrl: string;
let dir: string;
/** Request lines (`GET /path?query`) the server saw during the current example. */
let seen: string[] = [];

beforeAll(async () => {
  server = await startLoopback((req, body) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith("/missing")) return { status: 404, text: "not found" };
    const trace = req.headers["x-trace"];
    return { json: { method: req.method, url: req.url, token: "abc123", trace, body } };
  });
  baseUrl = server.baseUrl;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-k6-examples-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type Values = Record<string, number | Record<string, boolean>>;
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  metrics: Record<string, Values>;
  rootGroup: Record<string, unknown>;
  requests: string[];
  /** Seconds the test ran, from a counter's count / rate (the export has no duration). */
  seconds: number;
  /** `--out json` points, when asked for. */
  points: { metric: string; data: { value: number; tags: Record<string, string> } }[];
}

/** `perfgate k6 run examples/<name>.js` with k6 flags, as a user types it. */
async function runExample(name: string, flags: string[] = []): Promise<Outcome> {
  seen = [];
  const summaryExport = path.join(dir, `${name}.summary-export.json`);
  const outJson = path.join(dir, `${name}.ndjson`);
  const { code, stdout, stderr } = await k6Cli(
    [
      "run",
      "-e",
      `BASE_URL=${baseUrl}`,
      "-e",
      `SUMMARY_DIR=${dir}`,
      "--summary-export",
      summaryExport,
      ...flags,
      path.join(EXAMPLES, `${name}.js`),
    ],
    dir,
  );
  const exported = JSON.parse(await readFile(summaryExport, "utf8").catch(() => "{}"));
  const metrics = (exported.metrics ?? {}) as Record<string, Values>;
  const iterations = metrics.iterations as { count: number; rate: number } | undefined;
  const points = flags.some((f) => f.startsWith("json="))
    ? (await readFile(outJson, "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line))
        .filter((line) => line.type === "Point")
    : [];
  return {
    code,
    stdout,
    stderr,
    metrics,
    rootGroup: exported.root_group ?? {},
    requests: [...seen],
    seconds: iterations && iterations.rate > 0 ? iterations.count / iterations.rate : 0,
    points,
  };
}

const outJson = (name: string) => ["--out", `json=${path.join(dir, `${name}.ndjson`)}`];
const count = (o: Outcome, metric: string) => (o.metrics[metric]?.count as number) ?? 0;
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const thresholdsOf = (o: Outcome, metric: string) => o.metrics[metric]?.thresholds;

describe("k6 documentation examples: the six executors", () => {
  it("shared-iterations: 2 VUs share exactly 20 iterations, none dropped", async () => {
    const o = await runExample("shared-iterations");
    expect(o.code).toBe(0);
    expect(o.stdout).toContain("sync mode");
    expect(count(o, "iterations")).toBe(20);
    expect(o.requests.filter((r) => r === "GET /contacts")).toHaveLength(20);
    expect(o.metrics.dropped_iterations).toBeUndefined();
    expect(o.metrics.vus_max?.max).toBe(2);
    // Each iteration sleeps 50 ms after its request.
    expect(o.metrics.iteration_duration?.min).toBeGreaterThanOrEqual(50);
  });

  it("per-vu-iterations: 2 VUs × 5 iterations each = 10", async () => {
    const o = await runExample("per-vu-iterations");
    expect(o.code).toBe(0);
    expect(count(o, "iterations")).toBe(10);
    expect(o.metrics.dropped_iterations).toBeUndefined();
    expect(o.metrics.vus_max?.max).toBe(2);
  });

  it("constant-vus: 2 VUs loop for 2 s, each iteration at least 250 ms", async () => {
    const o = await runExample("constant-vus");
    expect(o.code).toBe(0);
    // A VU starts iterations at 0, 250, …, 1750 ms at most: ≤ 8 each; a loaded machine does fewer.
    expect(count(o, "iterations")).toBeGreaterThanOrEqual(4);
    expect(count(o, "iterations")).toBeLessThanOrEqual(16);
    expect(o.metrics.iteration_duration?.min).toBeGreaterThanOrEqual(250);
    expect(o.seconds).toBeGreaterThanOrEqual(2);
    expect(o.metrics.dropped_iterations).toBeUndefined();
  });

  it("ramping-vus: 0 -> 2 -> 0 VUs over 2 s, never more than 2 active", async () => {
    const o = await runExample("ramping-vus");
    expect(o.code).toBe(0);
    expect(o.metrics.vus_max?.max).toBe(2);
    expect(o.metrics.vus?.max as number).toBeLessThanOrEqual(2);
    // ∫VUs dt = 2 VU·s of ≥ 100 ms iterations: at most ~20 (+1 in flight per VU).
    expect(count(o, "iterations")).toBeGreaterThan(0);
    expect(count(o, "iterations")).toBeLessThanOrEqual(22);
    expect(o.seconds).toBeGreaterThanOrEqual(1.9);
    expect(o.metrics.dropped_iterations).toBeUndefined();
  });

  it("constant-arrival-rate: 20/s for 2 s starts 40 iterations (±1 at the boundary)", async () => {
    const o = await runExample("constant-arrival-rate");
    expect(o.code).toBe(0);
    const started = count(o, "iterations") + count(o, "dropped_iterations");
    expect(started).toBeGreaterThanOrEqual(39);
    expect(started).toBeLessThanOrEqual(41);
    // perfgate's open-model extra: the lag from due to actual start of each iteration.
    expect(o.metrics.schedule_lag).toHaveProperty("p(95)");
  });

  it("ramping-arrival-rate: 0 -> 20/s, hold, -> 0 over 3 s starts 10 + 20 + 10 = 40", async () => {
    const starts = rampingArrivalStarts(0, 1000, [
      { durationMs: 1000, target: 20 },
      { durationMs: 1000, target: 20 },
      { durationMs: 1000, target: 0 },
    ]);
    expect(starts).toHaveLength(40);
    // The last start falls on the regular end (3 s): it races the end, as in k6.
    expect(starts[39]).toBeCloseTo(3000, 6);
    const o = await runExample("ramping-arrival-rate");
    expect(o.code).toBe(0);
    const started = count(o, "iterations") + count(o, "dropped_iterations");
    expect(started).toBeGreaterThanOrEqual(39);
    expect(started).toBeLessThanOrEqual(40);
  });
});

describe("k6 documentation examples: thresholds, checks, groups, custom metrics", () => {
  it("thresholds incl. tagged sub-metrics pass: exit 0, every threshold reported ok", async () => {
    const o = await runExample("thresholds");
    expect(o.code).toBe(0);
    expect(thresholdsOf(o, "http_req_failed")).toEqual({ "rate<0.01": false });
    expect(thresholdsOf(o, "http_req_duration")).toEqual({
      "p(95)<2000": false,
      "avg<1000": false,
    });
    expect(thresholdsOf(o, "http_req_duration{name:contacts}")).toEqual({ "max<2000": false });
    expect(o.metrics["http_reqs{name:contacts}"]).toMatchObject({
      count: 10,
      thresholds: { "count==10": false },
    });
    expect(o.metrics["checks{kind:status}"]).toMatchObject({ passes: 10, fails: 0 });
  });

  it("a crossed threshold exits 99 with k6's message, marked failed (true) in the export", async () => {
    const o = await runExample("thresholds-fail");
    expect(o.code).toBe(99);
    expect(thresholdsOf(o, "http_req_failed")).toEqual({ "rate<0.01": true });
    expect(thresholdsOf(o, "http_req_duration")).toEqual({ "p(95)<2000": false });
    // k6 v0.48.0 (fixtures/run-fail.stderr.txt): "thresholds on metrics '…' have been crossed".
    expect(o.stderr).toContain("thresholds on metrics 'http_req_failed' have been crossed");
    expect(count(o, "iterations")).toBe(4);
  });

  it("abortOnFail with delayAbortEval stops a 30 s test early with exit 99", async () => {
    const o = await runExample("abort-on-fail");
    expect(o.code).toBe(99);
    expect(thresholdsOf(o, "http_req_failed")).toEqual({ "rate<0.01": true });
    // Not before delayAbortEval (1 s), far before the 30 s duration.
    expect(o.seconds).toBeGreaterThanOrEqual(1);
    expect(o.seconds).toBeLessThan(10);
  });

  it("checks: one sample per condition, failures are counted, not fatal", async () => {
    const o = await runExample("checks");
    expect(o.code).toBe(0);
    expect(o.metrics.checks).toMatchObject({ passes: 12, fails: 4, value: 0.75 });
    const checks = o.rootGroup.checks as Record<string, { passes: number; fails: number }>;
    expect(checks["is status 200"]).toMatchObject({ passes: 4, fails: 0 });
    expect(checks["verb is GET"]).toMatchObject({ passes: 4, fails: 0 });
    expect(checks["is status 500"]).toMatchObject({ passes: 0, fails: 4 });
    expect(count(o, "iterations")).toBe(4);
  });

  it("groups: nested paths, md5 ids, group_duration tagged with the group path", async () => {
    const o = await runExample("groups", outJson("groups"));
    expect(o.code).toBe(0);
    const groups = o.rootGroup.groups as Record<string, Record<string, unknown>>;
    const listing = groups["visit product listing page"] as Record<string, unknown>;
    expect(listing.path).toBe("::visit product listing page");
    expect(listing.id).toBe(md5("::visit product listing page"));
    expect((listing.checks as Record<string, { passes: number }>)["listing is 200"]?.passes).toBe(
      3,
    );
    const cart = groups["add several products to the shopping cart"] as Record<string, unknown>;
    const checkout = (cart.groups as Record<string, Record<string, unknown>>).checkout;
    expect(checkout?.path).toBe("::add several products to the shopping cart::checkout");
    // One group_duration per group() call: 3 groups × 3 iterations.
    const groupTags = o.points
      .filter((p) => p.metric === "group_duration")
      .map((p) => p.data.tags.group);
    expect(groupTags).toHaveLength(9);
    expect(new Set(groupTags)).toEqual(
      new Set([
        "::visit product listing page",
        "::add several products to the shopping cart",
        "::add several products to the shopping cart::checkout",
      ]),
    );
    const checkoutRequest = o.points.find(
      (p) => p.metric === "http_reqs" && p.data.tags.url?.endsWith("/checkout"),
    );
    expect(checkoutRequest?.data.tags.group).toBe(
      "::add several products to the shopping cart::checkout",
    );
  });

  it("custom metrics: Counter, Gauge, Rate, Trend with tags and thresholds on them", async () => {
    const o = await runExample("custom-metrics", outJson("custom-metrics"));
    expect(o.code).toBe(0);
    expect(o.metrics.my_counter).toMatchObject({ count: 8, thresholds: { "count==8": false } });
    expect(o.metrics["my_counter{kind:even}"]).toMatchObject({ count: 2 });
    expect(o.metrics.my_gauge).toMatchObject({ value: 3, min: 0, max: 3 });
    expect(o.metrics.my_rate).toMatchObject({ value: 0.5, passes: 2, fails: 2 });
    expect(o.metrics.waiting_time).toHaveProperty("p(95)");
    const trendPoints = o.points.filter((p) => p.metric === "waiting_time");
    expect(trendPoints).toHaveLength(4);
    expect(trendPoints.every((p) => p.data.tags.my_tag === "waiting")).toBe(true);
    expect(
      o.points.filter((p) => p.metric === "my_counter" && p.data.tags.kind === "odd"),
    ).toHaveLength(2);
  });
});

describe("k6 documentation examples: k6/http", () => {
  it("every verb, batch (array and object), params, http.url, expectedStatuses, errors", async () => {
    const o = await runExample("http-requests", outJson("http-requests"));
    expect(o.code).toBe(0);
    expect(o.metrics.checks).toMatchObject({ passes: 16, fails: 0 });
    const requests = o.points.filter((p) => p.metric === "http_reqs").map((p) => p.data.tags);
    expect(new Set(requests.map((t) => t.method))).toEqual(
      new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    );
    expect(requests.filter((t) => t.endpoint === "items")).toHaveLength(5);
    expect(requests.filter((t) => t.kind === "batch")).toHaveLength(1);
    // http.url: the name tag keeps the template (every interpolation, the base URL's too, is
    // a placeholder in k6), the url tag the real address.
    const tagged = requests.find((t) => t.url === `${baseUrl}/items/1000`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: k6's name tag holds a literal ${}.
    expect(tagged?.name).toBe("${}/items/${}");
    const notFound = requests.find((t) => t.status === "404");
    expect(notFound?.expected_response).toBe("true");
    const refused = requests.find((t) => t.status === "0");
    expect(refused?.expected_response).toBe("false");
    expect(Number(refused?.error_code)).toBeGreaterThan(0);
    expect(o.metrics.http_req_failed).toMatchObject({ passes: 1, fails: 15 });
    expect(o.metrics["http_req_duration{endpoint:items}"]).toHaveProperty("p(95)");
  });
});

describe("k6 documentation examples: lifecycle, data, context", () => {
  it("setup() runs once as VU 0 (sync http.get), its data reaches every VU, teardown gets a copy", async () => {
    const o = await runExample("setup-teardown", outJson("setup-teardown"));
    expect(o.code).toBe(0);
    // k6 v0.48.0 runs them in groups of their own (fixtures README).
    const groups = o.rootGroup.groups as Record<string, { path: string }>;
    expect(groups.setup?.path).toBe("::setup");
    expect(groups.teardown?.path).toBe("::teardown");
    const login = o.points.find(
      (p) => p.metric === "http_reqs" && p.data.tags.url?.endsWith("/login"),
    );
    expect(login?.data.tags.group).toBe("::setup");
    expect(o.requests[0]).toBe("GET /login");
    expect(o.requests.filter((r) => r === "GET /login")).toHaveLength(1);
    expect(o.requests.filter((r) => r === "GET /seen?token=abc123")).toHaveLength(4);
    // Teardown runs last and sees setup's data, not a VU's changed copy.
    expect(o.requests.at(-1)).toBe("GET /teardown?token=abc123&changedBy=undefined");
    expect(o.metrics.checks).toMatchObject({ passes: 8, fails: 0 });
    // setup/teardown requests count in http_reqs, not in iterations (k6 runPart).
    expect(count(o, "http_reqs")).toBe(6);
    expect(count(o, "iterations")).toBe(4);
  });

  it("handleSummary: stdout and files replace the default summary, data shaped like k6's", async () => {
    const o = await runExample("handle-summary");
    expect(o.code).toBe(0);
    expect(o.stdout).toContain("iterations: 3\n");
    expect(o.stdout).not.toMatch(/http_reqs\.{3,}/);
    expect(await readFile(path.join(dir, "summary.txt"), "utf8")).toBe("checks passed: 3\n");
    const data = JSON.parse(await readFile(path.join(dir, "summary.json"), "utf8"));
    const k6 = JSON.parse(readFileSync(path.join(LOCAL_FIXTURES, "handle-summary.json"), "utf8"));
    expect(Object.keys(data).sort()).toEqual(Object.keys(k6).sort());
    expect(Object.keys(data.options).sort()).toEqual(Object.keys(k6.options).sort());
    expect(Object.keys(data.state).sort()).toEqual(Object.keys(k6.state).sort());
    expect(Object.keys(data.root_group).sort()).toEqual(Object.keys(k6.root_group).sort());
    expect(Object.keys(data.root_group.checks[0]).sort()).toEqual(
      Object.keys(k6.root_group.checks[0]).sort(),
    );
    // Every metric both runs have: same type, contains and value keys.
    const shape = (m: { type: string; contains: string; values: object }) => ({
      type: m.type,
      contains: m.contains,
      values: Object.keys(m.values).sort(),
    });
    const builtIn = Object.keys(k6.metrics).filter((name) => !name.includes("{scenario:"));
    for (const name of builtIn)
      expect(shape(data.metrics[name]), name).toEqual(shape(k6.metrics[name]));
    expect(data.metrics.http_req_duration.thresholds).toEqual({ "p(95)<5000": { ok: true } });
  });

  it("--summary-export has k6's legacy shape (key sets of a real k6 v0.48.0 export)", async () => {
    const o = await runExample("handle-summary");
    const k6 = JSON.parse(readFileSync(path.join(LOCAL_FIXTURES, "summary-export.json"), "utf8"));
    expect(Object.keys(o.rootGroup).sort()).toEqual(Object.keys(k6.root_group).sort());
    for (const name of ["http_req_duration", "http_reqs", "iterations", "data_sent", "vus_max"]) {
      expect(Object.keys(o.metrics[name] ?? {}).sort(), name).toEqual(
        Object.keys(k6.metrics[name]).sort(),
      );
    }
    expect(Object.keys(o.metrics.checks ?? {}).sort()).toEqual(["fails", "passes", "value"]);
    // The local copy the adapters use is the same capture.
    expect(readFileSync(path.join(LOCAL_FIXTURES, "summary-export.json"), "utf8")).toContain(
      '"root_group"',
    );
  });

  it("SharedArray and open() in the init context", async () => {
    const o = await runExample("shared-array");
    expect(o.code).toBe(0);
    expect(o.metrics.checks).toMatchObject({ passes: 18, fails: 0 });
    expect(o.requests.filter((r) => r === "POST /login")).toHaveLength(6);
  });

  it("__ENV (-e and scenario env), __VU (1-based, init per VU) and __ITER (per VU, 0-based)", async () => {
    const o = await runExample("env-vu-iter", ["-e", "FROM_CLI=yes"]);
    expect(o.code).toBe(0);
    const expected = [1, 2].flatMap((vu) =>
      [0, 1, 2].map(
        (iter) => `GET /env?vu=${vu}&iter=${iter}&var=from-scenario&cli=yes&init=${vu}`,
      ),
    );
    expect([...o.requests].sort()).toEqual(expected.sort());
  });

  it("k6/execution: scenario, executor, ids, scenario tags; exec.test.abort() exits 108", async () => {
    const o = await runExample("execution");
    expect(o.code).toBe(108);
    expect(o.stderr).toContain("enough");
    const params = o.requests.map((r) => new URLSearchParams(r.split("?")[1]));
    expect(params.length).toBeGreaterThanOrEqual(1);
    for (const p of params) {
      expect(p.get("scenario")).toBe("exec_info");
      expect(p.get("executor")).toBe("shared-iterations");
      expect(p.get("team")).toBe("blue");
      expect(p.get("iterationInInstance")).toBe(p.get("iter"));
      expect(["1", "2"]).toContain(p.get("vu"));
    }
    const inTest = params.map((p) => Number(p.get("iterationInTest")));
    expect(new Set(inTest).size).toBe(inTest.length);
    expect(Math.max(...inTest)).toBeLessThanOrEqual(3);
  });

  it("async style: async default, http.asyncRequest, Promise.all, await sleep", async () => {
    const o = await runExample("async-style");
    expect(o.code).toBe(0);
    expect(o.stdout).toContain("async mode");
    expect(count(o, "http_reqs")).toBe(18);
    expect(o.metrics.checks).toMatchObject({ passes: 12, fails: 0 });
  });
});
