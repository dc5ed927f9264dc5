import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import hdr from "hdr-histogram-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeSummaries } from "../../src/merge.ts";
import {
  collectFromLogs,
  getStatus,
  type PlayedRunner,
  patchStatus,
  playInitializer,
  pollStatus,
  RESUME_BODY,
  runEngineBin,
  STOP_BODY,
  startRunners,
} from "../../src/operator-play.ts";
import { parseSummaryLine } from "../../src/summary-line.ts";
import { type Loopback, startLoopback } from "./loopback.ts";

/**
 * The k6-operator played locally against the engine: the initializer's commands, n runners on
 * loopback ports with the operator's exact arguments, its probes and the starter's PATCH, then
 * the collector's exact merge. Answers are compared with real k6 v0.48.0's, captured in
 * fixtures/k6-v0.48.0-operator.
 */
const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "k6-v0.48.0-operator");
const fixture = async (name: string) => readFile(path.join(FIXTURES, name), "utf8");
const attributesOf = async (name: string) => JSON.parse(await fixture(name)).data.attributes;

let server: Loopback;
let dir: string;
let env: Record<string, string | undefined>;
let seen: string[] = [];

beforeAll(async () => {
  server = await startLoopback((req) => {
    seen.push(req.url ?? "");
    return { text: "ok" };
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-operator-"));
  env = { ...process.env, BASE: server.baseUrl, PERFGATE_SUMMARY_OUT: "stdout" };
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, options: unknown): Promise<string> {
  const file = path.join(dir, `${name}.js`);
  await writeFile(
    file,
    `import http from "k6/http";
export const options = ${JSON.stringify(options)};
export default function () { http.get(\`\${__ENV.BASE}/ok\`); }
`,
  );
  return file;
}

interface Point {
  metric: string;
  type: string;
  data: { value: number; tags: Record<string, string> };
}

async function points(file: string): Promise<Point[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Point).filter((p) => p.type === "Point");
}

/** Plays the whole operator with `parallelism` runners; returns the runners and their samples. */
async function playTestRun(file: string, parallelism: number, name: string) {
  await playInitializer({ script: file, archive: path.join(dir, `${name}.archived.tar`), env });
  const outs = Array.from({ length: parallelism }, (_, i) =>
    path.join(dir, `${name}-${i + 1}.ndjson`),
  );
  // Each runner writes its samples to its own file (`--out json` is one of the TestRun's args).
  const runners = await startRunners({
    parallelism,
    script: file,
    testrunName: name,
    env,
    args: (index) => ["--out", `json=${outs[index - 1]}`],
  });
  return { runners, outs };
}

describe("initializer", () => {
  it("archive then inspect --execution-requirements answers as k6 v0.48.0 does", async () => {
    const file = path.join(dir, "script.js");
    await writeFile(file, await fixture("script.js"));
    const requirements = await playInitializer({
      script: file,
      archive: path.join(dir, "script.js.archived.tar"),
      env,
    });
    expect(requirements).toEqual(JSON.parse(await fixture("inspect-execution-requirements.json")));
    // k6's own archive reads the same.
    const ofK6 = await runEngineBin(
      ["inspect", "--execution-requirements", path.join(FIXTURES, "k6-archive.tar")],
      env,
    );
    expect(ofK6.code).toBe(0);
    expect(JSON.parse(ofK6.stdout)).toEqual(requirements);
  });
});

describe("runners, starter and collector", () => {
  for (const [executor, options, iterations] of [
    [
      "shared-iterations",
      { scenarios: { s: { executor: "shared-iterations", vus: 2, iterations: 300 } } },
      300,
    ],
    [
      "constant-arrival-rate",
      {
        scenarios: {
          s: {
            executor: "constant-arrival-rate",
            rate: 60,
            timeUnit: "1s",
            duration: "2s",
            preAllocatedVUs: 4,
          },
        },
      },
      120,
    ],
  ] as const) {
    it(`${executor}: 2 paused runners, released together, merge to one run exactly`, async () => {
      const file = await script(executor, options);
      const single = await runEngineBin(["run", "--quiet", file], env);
      expect(single.code, single.stderr).toBe(0);
      const alone = parseSummaryLine(single.stdout);
      const { runners, outs } = await playTestRun(file, 2, `tr-${executor}`);

      // The probes: each runner answers like k6 v0.48.0 while paused (status 4, its share of VUs).
      const paused = await attributesOf("status-paused.json");
      for (const runner of runners) {
        const status = await pollStatus(runner.port, (s) => s.status === 4, 60_000);
        expect(status).toEqual({ ...paused, "vus-max": status["vus-max"] });
        expect(status["vus-max"]).toBe(executor === "shared-iterations" ? 1 : 2);
        const metrics = await fetch(`http://127.0.0.1:${runner.port}/v1/metrics`);
        expect(await metrics.json()).toEqual(JSON.parse(await fixture("metrics-paused.json")));
      }
      // The starter: the same PATCH to every runner; the answer is k6's.
      const resumed = await attributesOf("patch-resume-response.json");
      for (const runner of runners) {
        const answer = (await patchStatus(runner.port, RESUME_BODY)) as {
          data: { attributes: unknown };
        };
        expect(answer.data.attributes).toEqual({ ...resumed, "vus-max": expect.any(Number) });
      }
      const codes = await Promise.all(runners.map((r) => r.engine.exit));
      expect(codes, runners.map((r) => r.engine.stderr()).join("\n")).toEqual([0, 0]);

      const collected = collectFromLogs(runners);
      expect(collected.map((c) => [c.instanceId, c.testrunName, c.exitCode])).toEqual([
        ["1", `tr-${executor}`, 0],
        ["2", `tr-${executor}`, 0],
      ]);
      const merged = mergeSummaries(collected).summary.metrics;
      const single1 = alone?.summary.metrics;
      const dropped = (m: typeof merged | undefined) =>
        (m?.dropped_iterations?.count as number | undefined) ?? 0;
      // The iteration count equals a single instance's (loopback keeps arrival-rate undropped).
      expect((merged.iterations?.count as number) + dropped(merged)).toBe(iterations);
      expect((single1?.iterations?.count as number) + dropped(single1)).toBe(iterations);
      if (dropped(merged) === 0 && dropped(single1) === 0)
        expect(merged.iterations?.count).toBe(single1?.iterations?.count);

      // Percentiles equal those of one histogram holding every sample of every runner.
      const samples = (await Promise.all(outs.map(points))).flat();
      const durations = samples.filter((p) => p.metric === "http_req_duration");
      expect(durations).toHaveLength(merged.iterations?.count as number);
      const one = hdr.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        autoResize: true,
        numberOfSignificantValueDigits: 3,
      });
      for (const p of durations) one.recordValue(Math.max(0, Math.round(p.data.value * 1000)));
      const trend = merged.http_req_duration as Record<string, number>;
      for (const [stat, q] of [
        ["med", 50],
        ["p(90)", 90],
        ["p(95)", 95],
        ["p(99)", 99],
      ] as const)
        expect(trend[stat], stat).toBe(one.getValueAtPercentile(q) / 1000);
      expect(trend.count).toBe(durations.length);
      expect(trend.min).toBe(Math.min(...durations.map((p) => p.data.value)));
      expect(trend.max).toBe(Math.max(...durations.map((p) => p.data.value)));
      one.destroy();
      // `--tag` reaches every sample, with the runner's own instance id.
      for (const [i, out] of outs.entries()) {
        for (const p of await points(out))
          expect(p.data.tags).toMatchObject({
            instance_id: String(i + 1),
            testrun_name: `tr-${executor}`,
          });
      }
    });
  }

  it("k6's order under --paused: VUs initialised, paused, then setup after the release", async () => {
    const file = path.join(dir, "setup.js");
    await writeFile(
      file,
      `import http from "k6/http";
export const options = { vus: 2, iterations: 2 };
export function setup() { http.get(\`\${__ENV.BASE}/setup\`); return { n: 1 }; }
export default function (data) { http.get(\`\${__ENV.BASE}/iteration?n=\${data.n}\`); }
`,
    );
    const [runner] = await startRunners({ parallelism: 1, script: file, testrunName: "o", env });
    const port = (runner as PlayedRunner).port;
    seen = [];
    const paused = await pollStatus(port, (s) => s.status === 4, 60_000);
    expect(paused["vus-max"]).toBe(2);
    expect(seen).toEqual([]);
    await patchStatus(port, RESUME_BODY);
    expect(await (runner as PlayedRunner).engine.exit).toBe(0);
    expect(seen).toEqual(["/setup", "/iteration?n=1", "/iteration?n=1"]);
  });

  it("a stop PATCH ends a running test as k6 does (exit code as captured)", async () => {
    const file = await script("long", {
      scenarios: { s: { executor: "constant-vus", vus: 2, duration: "60s" } },
    });
    const [runner] = await startRunners({ parallelism: 1, script: file, testrunName: "stop", env });
    const port = (runner as PlayedRunner).port;
    await pollStatus(port, (s) => s.status === 4, 60_000);
    await patchStatus(port, RESUME_BODY);
    await pollStatus(port, (s) => s.status === 7, 30_000);
    const answer = (await patchStatus(port, STOP_BODY)) as { data: { attributes: unknown } };
    expect(answer.data.attributes).toEqual({
      ...(await attributesOf("patch-stop-response.json")),
      vus: expect.any(Number),
    });
    const code = await (runner as PlayedRunner).engine.exit;
    expect(`exit ${code}`).toBe((await fixture("stop.exitcode")).trim());
    expect((runner as PlayedRunner).engine.stderr()).toContain("test run stopped from REST API");
    // A stopped runner still leaves its summary, flagged with its exit code.
    expect(collectFromLogs([runner as PlayedRunner])[0]?.exitCode).toBe(103);
    expect(await getStatus(port)).toBeUndefined();
  });
});
