import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli, type Loopback, startLoopback } from "./loopback.ts";

/**
 * k6 CLI behaviour of `perfgate k6 run` / `k6 merge`: where `__ENV` comes from, shortcut flags
 * replacing the script's scenarios, summary flags, and merging per-segment summaries.
 */
let server: Loopback;
let baseUrl: string;
let dir: string;
let seen: string[] = [];

beforeAll(async () => {
  server = await startLoopback((req) => {
    seen.push(req.url ?? "");
    return { status: req.url?.startsWith("/missing") ? 404 : 200 };
  });
  baseUrl = server.baseUrl;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-k6-cli-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function k6(argv: string[], env: Record<string, string> = {}) {
  seen = [];
  return { ...(await k6Cli(argv, dir, env)), requests: [...seen] };
}

async function script(name: string, source: string): Promise<string> {
  const file = path.join(dir, `${name}.js`);
  await writeFile(file, source);
  return file;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8"));

describe("__ENV sources", () => {
  it("system env is included, -e wins over it, --include-system-env-vars=false drops it", async () => {
    const file = await script(
      "env",
      `import http from "k6/http";
       export default async function () { await http.get(__ENV.BASE_URL + "/?sys=" + __ENV.SYS_ONLY + "&both=" + __ENV.BOTH); }`,
    );
    const system = { SYS_ONLY: "sys", BOTH: "sys" };
    const withSystem = await k6(
      ["run", "-e", `BASE_URL=${baseUrl}`, "-e", "BOTH=cli", file],
      system,
    );
    expect(withSystem.requests).toEqual(["/?sys=sys&both=cli"]);
    const without = await k6(
      ["run", "--include-system-env-vars=false", "-e", `BASE_URL=${baseUrl}`, file],
      system,
    );
    expect(without.requests).toEqual(["/?sys=undefined&both=undefined"]);
  });
});

describe("shortcut flags replace the script's scenarios (k6 CLI precedence)", () => {
  const scenarios = `import http from "k6/http";
    export const options = { scenarios: { big: { executor: "constant-vus", vus: 5, duration: "30s" } } };
    export default async function () { await http.get(__ENV.BASE_URL + "/?vu=" + __VU); }`;

  it("--vus 2 --iterations 6: shared-iterations over 2 VUs", async () => {
    const out = path.join(dir, "flags-iter.json");
    const file = await script("flags-iter", scenarios);
    const r = await k6([
      "run",
      "--vus",
      "2",
      "--iterations",
      "6",
      "--summary-export",
      out,
      "-e",
      `BASE_URL=${baseUrl}`,
      file,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("default: shared-iterations");
    expect(r.requests).toHaveLength(6);
    expect(new Set(r.requests)).toEqual(new Set(["/?vu=1", "/?vu=2"]));
    expect((await readJson(out)).metrics.vus_max.max).toBe(2);
  });

  it("--duration 1s: constant-vus with the script's default of 1 VU", async () => {
    const file = await script("flags-duration", scenarios);
    const r = await k6(["run", "--duration", "1s", "-e", `BASE_URL=${baseUrl}`, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("default: constant-vus, 1s");
    expect(new Set(r.requests)).toEqual(new Set(["/?vu=1"]));
  });
});

describe("summary flags", () => {
  const failing = `import http from "k6/http";
    export const options = { iterations: 2, thresholds: { http_req_failed: ["rate<0.01"] } };
    export default async function () { await http.get(__ENV.BASE_URL + "/missing"); }`;

  it("--summary-trend-stats picks the trend columns of the export", async () => {
    const out = path.join(dir, "stats.json");
    const file = await script("stats", failing);
    await k6([
      "run",
      "--summary-trend-stats",
      "avg,p(99),count",
      "--summary-export",
      out,
      "-e",
      `BASE_URL=${baseUrl}`,
      file,
    ]);
    const exported = await readJson(out);
    expect(Object.keys(exported.metrics.http_req_duration).sort()).toEqual([
      "avg",
      "count",
      "p(99)",
    ]);
    expect(exported.metrics.http_req_duration.count).toBe(2);
  });

  it("--no-thresholds: a crossed threshold no longer fails the run", async () => {
    const file = await script("no-thresholds", failing);
    expect((await k6(["run", "-e", `BASE_URL=${baseUrl}`, file])).code).toBe(99);
    expect((await k6(["run", "--no-thresholds", "-e", `BASE_URL=${baseUrl}`, file])).code).toBe(0);
  });
});

describe("k6 merge", () => {
  it("two execution segments' summaries merge into the whole run's counts", async () => {
    const file = await script(
      "segments",
      `import http from "k6/http";
       export const options = { scenarios: { s: { executor: "shared-iterations", vus: 4, iterations: 40 } } };
       export default async function () { await http.get(__ENV.BASE_URL + "/"); }`,
    );
    const parts: string[] = [];
    for (const [name, segment] of [
      ["a", "0:1/2"],
      ["b", "1/2:1"],
    ] as const) {
      const folder = path.join(dir, name);
      await mkdir(folder, { recursive: true });
      const r = await k6([
        "run",
        "--execution-segment",
        segment,
        "--summary-export",
        path.join(folder, "summary-export.json"),
        "--hdr-out",
        path.join(folder, "hdr.json"),
        "-e",
        `BASE_URL=${baseUrl}`,
        file,
      ]);
      expect(r.code).toBe(0);
      parts.push(folder);
    }
    const merged = await k6(["merge", ...parts, "--out", path.join(dir, "merged")]);
    expect(merged.code).toBe(0);
    const summary = await readJson(path.join(dir, "merged", "summary-export.json"));
    expect(summary.metrics.iterations.count).toBe(40);
    expect(summary.metrics.http_reqs.count).toBe(40);
    expect(summary.metrics.http_req_duration.count).toBe(40);
    expect(Object.keys(await readJson(path.join(dir, "merged", "hdr.json")))).toContain(
      "http_req_duration",
    );
  });

  // issue 22 H13: a summary without `metrics` was a TypeError with a stack (E_INTERNAL).
  it("a summary without metrics is a usage error naming the file, not a TypeError", async () => {
    const parts: string[] = [];
    for (const [name, summary] of [
      ["no-metrics-a", { root_group: {} }],
      ["no-metrics-b", { metrics: {} }],
    ] as const) {
      const folder = path.join(dir, name);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, "summary-export.json"), JSON.stringify(summary));
      await writeFile(path.join(folder, "hdr.json"), "{}");
      parts.push(folder);
    }
    const merged = await k6(["merge", ...parts, "--out", path.join(dir, "merged-bad")]);
    expect(merged.code).toBe(104);
    expect(merged.stderr).toMatch(/no-metrics-a\/summary-export\.json: no "metrics" object/);
    expect(merged.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
  });
});
