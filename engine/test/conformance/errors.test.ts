import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli, type Loopback, startLoopback } from "./loopback.ts";

/**
 * Bad scripts and options through `perfgate k6 run`: k6's exit codes (104 invalid config, 107
 * script error outside iterations, 108/110 from k6/execution), a message naming the option and
 * the fix, and every problem of a run reported at once (reference §3.6, §3.2, §3.5).
 */
let server: Loopback;
let dir: string;
let seen: string[] = [];

beforeAll(async () => {
  server = await startLoopback((req) => {
    seen.push(req.url ?? "");
    return {};
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-k6-errors-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** `perfgate k6 run [flags] <script>`; a usage error comes back as its exit code and message. */
async function k6Run(name: string, source: string, flags: string[] = []) {
  seen = [];
  const script = path.join(dir, `${name}.js`);
  await writeFile(script, source);
  const result = await k6Cli(["run", "-e", `BASE_URL=${server.baseUrl}`, ...flags, script], dir);
  return { ...result, requests: [...seen] };
}

const DEFAULT = "export default function () {}";

describe("invalid options and thresholds: exit 104, every problem at once", () => {
  it("one run with many problems lists each, naming the option", async () => {
    const r = await k6Run(
      "many",
      `export const options = {
         scenarios: {
           a: { executor: "constant-vus", vus: 0 },
           b: { executor: "ramping-arival-rate", preAllocatedVUs: 1 },
           c: { executor: "per-vu-iterations", iterations: 2, exec: "missing" },
           d: { executor: "shared-iterations", vuz: 3 },
         },
         thresholds: { http_req_durration: ["p(95)<200"], checks: ["rate>>0.9"], http_reqs: ["p(95)<1"] },
       };
       ${DEFAULT}`,
    );
    expect(r.code).toBe(104);
    expect(r.stderr).toContain("invalid options (8 problems)");
    for (const expected of [
      "scenarios.a.vus: must be an integer >= 1, got 0",
      "scenarios.a.duration: is required",
      'scenarios.b.executor: must be one of shared-iterations, per-vu-iterations, constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate, got "ramping-arival-rate"',
      'scenarios.c.exec: the script exports no function "missing"',
      "scenarios.d.vuz: is not an option of shared-iterations (known: vus, iterations, maxDuration)",
      'thresholds["http_req_durration"]: no metric named "http_req_durration"',
      'thresholds["checks"][0]: "rate>>0.9": the right-hand side must be a number',
      'thresholds["http_reqs"][0]: "p(95)" is not an aggregation of a counter metric',
    ])
      expect(r.stderr).toContain(expected);
    expect(r.requests).toEqual([]);
  });

  it("conflicting shortcuts give k6 v0.48.0's message", async () => {
    const r = await k6Run(
      "conflict",
      `export const options = { duration: "10s", stages: [{ duration: "1s", target: 1 }] }; ${DEFAULT}`,
    );
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(
      "using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed",
    );
  });

  it("externally-controlled is refused with the executor to use instead", async () => {
    const r = await k6Run(
      "external",
      `export const options = { scenarios: { x: { executor: "externally-controlled", vus: 1, duration: "10s" } } }; ${DEFAULT}`,
    );
    expect(r.code).toBe(104);
    expect(r.stderr).toMatch(/scenarios\.x\.executor: externally-controlled .* use ramping-vus/);
  });

  it("bad durations, stages and threshold options name the field and the expected form", async () => {
    const r = await k6Run(
      "forms",
      `export const options = {
         scenarios: { r: { executor: "ramping-vus", stages: [{ duration: "1 minute", target: 2 }, { target: 1 }] } },
         thresholds: { http_req_failed: [{ threshold: "rate<0.1", delayAbortEval: "later" }, { abortOnFail: true }] },
       };
       ${DEFAULT}`,
    );
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(
      'scenarios.r.stages[0].duration: "1 minute" is not a duration (e.g. "30s", "1m30s", "500ms")',
    );
    expect(r.stderr).toContain("scenarios.r.stages[1].duration: is required");
    expect(r.stderr).toContain(
      'thresholds["http_req_failed"][0].delayAbortEval: "later" is not a duration',
    );
    expect(r.stderr).toContain(
      'thresholds["http_req_failed"][1]: expected a string like "p(95)<200" or { threshold, abortOnFail }',
    );
  });

  it("bad CLI flags exit 104 naming the flag and showing the usage", async () => {
    for (const flags of [
      ["--vus", "many"],
      ["--iterations", "0"],
      ["--out", "csv=x.csv"],
    ]) {
      const r = await k6Run("flags", DEFAULT, flags);
      expect(r.code, flags.join(" ")).toBe(104);
      expect(r.stderr, flags.join(" ")).toContain(flags[0] as string);
    }
  });
});

describe("script errors outside iterations: exit 107", () => {
  it("a syntax error names file, line and column", async () => {
    const r = await k6Run("syntax", "export default function ( {");
    expect(r.code).toBe(107);
    expect(r.stderr).toMatch(/syntax\.js:1:\d+/);
  });

  it("an exception in the init context", async () => {
    const r = await k6Run("init-throw", `throw new Error("init exploded"); ${DEFAULT}`);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("init exploded");
  });

  it("an unsupported k6 module names the module and the way out", async () => {
    const r = await k6Run("ws", `import ws from "k6/ws"; export default function () { ws; }`);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain('module "k6/ws" is not supported by the built-in engine');
    expect(r.stderr).toContain("K6_PATH");
  });

  it("an import of a missing local file", async () => {
    const r = await k6Run(
      "missing-import",
      `import x from "./nope.js"; export default function () { x; }`,
    );
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("nope.js");
  });

  it("setup() throwing: no iteration and no teardown run, but the summary (107, as k6 v0.48.0)", async () => {
    const exported = path.join(dir, "setup-throw-summary.json");
    const r = await k6Run(
      "setup-throw",
      `import http from "k6/http";
       export function setup() { throw new Error("no token"); }
       export default async function () { await http.get(__ENV.BASE_URL + "/iteration"); }
       export async function teardown() { await http.get(__ENV.BASE_URL + "/teardown"); }`,
      ["--summary-export", exported],
    );
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("setup() failed: no token");
    expect(r.requests).toEqual([]);
    // k6 v0.48.0 still ends with its summary (the setup group) and writes the export.
    expect(r.stdout).toContain("engine: perfgate built-in");
    const summary = JSON.parse(await readFile(exported, "utf8"));
    expect(Object.keys(summary.root_group.groups)).toEqual(["setup"]);
  });

  it("teardown() throwing after a good run", async () => {
    const r = await k6Run(
      "teardown-throw",
      `export function teardown() { throw new Error("cleanup failed"); } ${DEFAULT}`,
    );
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("teardown() failed: cleanup failed");
  });
});

describe("errors k6 only logs", () => {
  it("fail() or an exception inside an iteration is logged with VU and scenario; the iteration counts", async () => {
    const out = path.join(dir, "iter-throw.json");
    const r = await k6Run(
      "iter-throw",
      `export const options = { iterations: 3 };
       import { fail } from "k6";
       export default function () {
         if (__ITER === 0) fail("bad row 0");
         throw new Error("bad row " + __ITER);
       }`,
      ["--summary-export", out],
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Uncaught error in VU 1 (scenario default): bad row 0");
    expect(r.stdout).toMatch(/iterations\.+: 3 /);
  });

  it("a throwing handleSummary is logged and the default summary printed", async () => {
    const r = await k6Run(
      "summary-throw",
      `export function handleSummary() { throw new Error("template broken"); } ${DEFAULT}`,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("handleSummary() failed: template broken");
    expect(r.stdout).toMatch(/iterations\.+: 1 /);
  });

  it("exec.test.fail() marks the run failed (110) but lets it finish", async () => {
    const r = await k6Run(
      "fail",
      `import exec from "k6/execution";
       import http from "k6/http";
       export const options = { iterations: 3 };
       export default async function () {
         if (__ITER === 0) exec.test.fail("data looked wrong");
         await http.get(__ENV.BASE_URL + "/after");
       }`,
    );
    expect(r.code).toBe(110);
    expect(r.stderr).toContain("data looked wrong");
    expect(r.requests).toHaveLength(3);
  });
});
